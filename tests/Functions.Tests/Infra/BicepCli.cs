using System.Reflection;
using System.Text.RegularExpressions;

namespace Functions.Tests.Infra;

public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    private static readonly Regex Diagnostic = new(@"\) : (Warning|Error) ", RegexOptions.CultureInvariant);

    /// <summary>Lines such as "main.bicep(3,7) : Warning no-unused-params: ..." from either stream.</summary>
    public IReadOnlyList<string> WarningsAndErrors =>
        (StandardOutput + "\n" + StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => Diagnostic.IsMatch(line))
            .ToList();
}

/// <summary>Runs the Bicep CLI that NuGet restored for this test project (Azure.Bicep.CommandLine.linux-x64).</summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        var run = await Command.RunAsync(ExecutablePath(), arguments, Timeout);
        return new BicepRun(run.ExitCode, run.StandardOutput, run.StandardError);
    }

    private static string ExecutablePath()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepPath").Value;
        if (path is null || !File.Exists(path))
            throw new FileNotFoundException($"Bicep CLI not found at '{path}'; run dotnet restore (the package is linux-x64 only).");

        // NuGet extraction may drop the executable bit.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No Functions.sln above {AppContext.BaseDirectory}");
    }
}
