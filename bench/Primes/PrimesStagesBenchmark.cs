using System.Diagnostics;
using System.Globalization;
using Functions.Compute.Primes;

namespace Functions.Bench.Primes;

/// <summary>
/// Where the time goes: the kernel's stage timers over 2 × 10^9 numbers just below 10^10 … 10^13, on one thread and on
/// every thread at once (each thread its own 10^9 numbers, so the threads contend for the shared cache and memory as in a
/// job), with primesieve over the same numbers and threads beside it.
/// </summary>
public static class PrimesStagesBenchmark
{
    private const long Span = 2_000_000_000;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        foreach (var exponent in new[] { 10, 11, 12, 13 })
        {
            var limit = (long)Math.Pow(10, exponent);
            var low = (limit - Span) / 30 * 30;
            foreach (var t in threads > 1 ? new[] { 1, threads } : [1])
            {
                SieveStageTimes? best = null;
                double bestSeconds = double.MaxValue, reference = double.MaxValue;
                long count = 0;
                for (var run = 0; run < options.Repeat; run++)
                {
                    var (c, seconds, times) = Run(limit, low, t);
                    if (seconds < bestSeconds) (count, bestSeconds, best) = (c, seconds, times);
                    if (await Primesieve.CountAsync(low, limit, t) is { } r)
                    {
                        if (r.Count != c) throw new InvalidOperationException($"[{low}, {limit}]: {c} primes, primesieve {r.Count}.");
                        reference = Math.Min(reference, r.Seconds);
                    }
                }
                var per = 1e9 / (Span / t) / 1e-3; // ms per 10^9 numbers on one thread
                string Stage(SieveStage s) => Machine.Number(best![s].TotalSeconds * per / t, "0");
                yield return new Figure(
                    $"primes stages 1e{exponent} {t} thread{(t > 1 ? "s" : "")}",
                    $"setup {Stage(SieveStage.Setup)} pre {Stage(SieveStage.PreSieve)} small {Stage(SieveStage.Small)} medium {Stage(SieveStage.Medium)} large {Stage(SieveStage.Large)} count {Stage(SieveStage.Count)} ms/1e9",
                    reference < double.MaxValue
                        ? $"wall {Machine.Seconds(bestSeconds)} vs primesieve {Machine.Seconds(reference)} = {Machine.Number(bestSeconds / reference)}×"
                        : $"wall {Machine.Seconds(bestSeconds)}");
            }
        }
    }

    /// <summary>Counts [low, limit] on <paramref name="threads"/> threads, each a contiguous share; stage times summed.</summary>
    private static (long Count, double Seconds, SieveStageTimes Times) Run(long limit, long low, int threads)
    {
        var primes = new SievingPrimes(limit, PrimesTuning.Current);
        var share = (limit - low + 1) / threads / 30 * 30;
        var sieves = Enumerable.Range(0, threads).Select(_ => new SegmentSieve(primes) { StageTimes = new() }).ToArray();
        var counts = new long[threads];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            var from = low + i * share;
            var to = i == threads - 1 ? limit : from + share - 1;
            counts[i] = sieves[i].CountPrimes(from, to, CancellationToken.None);
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var total = new SieveStageTimes();
        foreach (var s in sieves) total.Add(s.StageTimes!);
        return (counts.Sum(), seconds, total);
    }
}
