using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Functions.Tests.Infra;

/// <summary>
/// Every project restores from a packages.lock.json: test.sh and the workflow restore in locked mode, which fails
/// on a lock file that no longer matches its project, so versions cannot drift between machines and runs.
/// </summary>
public sealed partial class LockFileTests
{
    [Fact]
    public void DirectoryBuildProps_TurnsLockFilesOn()
    {
        var props = XDocument.Load(Path.Combine(BicepCli.RepositoryRoot, "Directory.Build.props"));

        Assert.Equal("true", props.Descendants("RestorePackagesWithLockFile").Single().Value);
    }

    [Fact]
    public void EveryProjectInTheSolution_HasALockFile()
    {
        var solution = File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "Functions.sln"));
        var projects = ProjectPath().Matches(solution).Select(match => match.Groups["path"].Value.Replace('\\', '/')).ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
        {
            var lockFile = Path.Combine(BicepCli.RepositoryRoot, Path.GetDirectoryName(project)!, "packages.lock.json");
            Assert.True(File.Exists(lockFile), $"{project} has no packages.lock.json: run dotnet restore Functions.sln --force-evaluate");
        });
    }

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]+"", ""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex ProjectPath();
}
