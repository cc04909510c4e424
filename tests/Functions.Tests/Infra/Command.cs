using System.Diagnostics;

namespace Functions.Tests.Infra;

public sealed record CommandRun(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>Runs a program from the repository root and collects what it prints, within a deadline.</summary>
public static class Command
{
    public static async Task<CommandRun> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = BicepCli.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{executable} did not start");
        using var deadline = new CancellationTokenSource(timeout);
        var standardOutput = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var standardError = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return new CommandRun(process.ExitCode, await standardOutput, await standardError);
    }
}
