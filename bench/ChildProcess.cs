using System.Diagnostics;
using System.Globalization;
using Functions.Bench.Primes;

namespace Functions.Bench;

/// <summary>
/// Runs one measurement in a fresh process, so its peak working set belongs to that measurement alone:
/// the parent starts <c>Bench --child primes LIMIT THREADS</c> and reads one line back.
/// </summary>
public static class ChildProcess
{
    public static async Task<int> RunAsync(IReadOnlyList<string> command)
    {
        if (command is not ["primes", var limit, var threads]) throw new ArgumentException($"Unknown child command: {string.Join(' ', command)}");
        var run = await PrimesRun.CountAsync(long.Parse(limit, CultureInfo.InvariantCulture), int.Parse(threads, CultureInfo.InvariantCulture));
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.Count} {run.Seconds} {self.PeakWorkingSet64}"));
        return 0;
    }

    /// <summary>Starts this benchmark program again with <paramref name="command"/> and returns its output line.</summary>
    public static async Task<string> StartAsync(params string[] command)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        // Under `dotnet Bench.dll` the process is the dotnet host, so pass it the assembly.
        string[] prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ChildProcess).Assembly.Location] : [];
        var output = await Machine.RunAsync(self, [.. prefix, BenchOptions.ChildFlag, .. command]);
        return output?.Trim() ?? throw new InvalidOperationException("The child process did not start.");
    }
}
