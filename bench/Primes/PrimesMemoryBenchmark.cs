using System.Globalization;

namespace Functions.Bench.Primes;

/// <summary>
/// π(10^12) on all threads in a child process: its peak working set against the 64 MB goal. Runs once; it takes a
/// minute or more on a small machine. The time against primesieve is <c>primes-large</c>'s, best of N.
/// </summary>
public static class PrimesMemoryBenchmark
{
    private const long Limit = 1_000_000_000_000;
    private const long Expected = 37_607_912_018;
    private const double GoalBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        var fields = (await ChildProcess.StartAsync("primes", Limit.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture))).Split(' ');
        var count = long.Parse(fields[0], CultureInfo.InvariantCulture);
        if (count != Expected) throw new InvalidOperationException($"π(10^12) came out as {count}, expected {Expected}.");
        var peak = double.Parse(fields[2], CultureInfo.InvariantCulture);

        yield return new Figure(
            $"primes 1e12 peak working set",
            $"{Machine.Number(peak / (1024 * 1024), "0.0")} MB ({threads} threads, whole process)",
            $"{Machine.Number(peak / GoalBytes)}× the 64 MB goal");
    }
}
