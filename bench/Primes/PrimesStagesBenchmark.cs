using System.Diagnostics;
using Functions.Compute.Primes;

namespace Functions.Bench.Primes;

/// <summary>
/// Where the time goes: the kernel's stage timers over 2 × 10^9 numbers just below 10^10 … 10^13, on one thread and on
/// every thread at once (each thread a contiguous share, so the threads contend for the shared cache and memory as in
/// a job), beside primesieve over the same numbers and threads. Stages are in thread CPU time and both programs'
/// totals in CPU time as well as wall time, so that other programs on a shared machine do not decide the ratio.
/// </summary>
public static class PrimesStagesBenchmark
{
    private const long Span = 2_000_000_000;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        var clock = ThreadCpuClock.Get();
        var summary = PrimesTuning.Summary;
        yield return new Figure("primes tuning", $"{summary.Caches}",
            $"block {summary.BlockBytes / 1024} KiB, segment {summary.MinSegmentBytes / 1024}–{summary.MaxSegmentBytes / 1024} KiB");
        foreach (var exponent in new[] { 10, 11, 12, 13 })
        {
            var limit = (long)Math.Pow(10, exponent);
            var low = (limit - Span) / 30 * 30;
            foreach (var t in threads > 1 ? new[] { 1, threads } : [1])
            {
                StageRun? best = null;
                double wall = double.MaxValue, referenceCpu = double.MaxValue, referenceWall = double.MaxValue;
                for (var run = 0; run < options.Repeat; run++)
                {
                    var result = Run(limit, low, t, PrimesTuning.ForLimit(limit), clock);
                    if (best is null || result.Times.Total < best.Times.Total) best = result;
                    wall = Math.Min(wall, result.Seconds);
                    if (await Primesieve.CountAsync(low, limit, t) is not { } reference) continue;
                    if (reference.Count != result.Count) throw new InvalidOperationException($"[{low}, {limit}]: {result.Count} primes, primesieve {reference.Count}.");
                    referenceCpu = Math.Min(referenceCpu, reference.CpuSeconds ?? double.MaxValue);
                    referenceWall = Math.Min(referenceWall, reference.Seconds);
                }
                var perBillion = 1e9 / Span * 1e3;
                string Stage(SieveStage s) => Machine.Number(best!.Times[s].TotalSeconds * perBillion, "0");
                var ours = best!.Times.Total.TotalSeconds;
                yield return new Figure(
                    $"primes stages 1e{exponent} {t} thread{(t > 1 ? "s" : "")}",
                    $"setup {Stage(SieveStage.Setup)} pre {Stage(SieveStage.PreSieve)} small {Stage(SieveStage.Small)} medium {Stage(SieveStage.Medium)} large {Stage(SieveStage.Large)} count {Stage(SieveStage.Count)} ms/1e9 {(clock is null ? "wall" : "CPU")}",
                    referenceWall < double.MaxValue
                        ? $"{(clock is null || referenceCpu == double.MaxValue ? "" : $"CPU {Machine.Number(ours / referenceCpu)}×, ")}wall {Machine.Seconds(wall)} vs {Machine.Seconds(referenceWall)} = {Machine.Number(wall / referenceWall)}× primesieve"
                        : $"wall {Machine.Seconds(wall)}, {Primesieve.NotInstalled}");
            }
        }
    }

    private sealed record StageRun(long Count, double Seconds, SieveStageTimes Times);

    /// <summary>Counts [low, limit] on <paramref name="threads"/> threads, each a contiguous share; stage times summed.</summary>
    private static StageRun Run(long limit, long low, int threads, PrimesTuning tuning, Func<long>? clock)
    {
        var primes = new SievingPrimes(limit, tuning);
        var share = (limit - low + 1) / threads / 30 * 30;
        var sieves = Enumerable.Range(0, threads).Select(_ => new SegmentSieve(primes) { StageTimes = new(clock) }).ToArray();
        var counts = new long[threads];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            var from = low + i * share;
            var to = i == threads - 1 ? limit : from + share - 1;
            counts[i] = sieves[i].CountPrimes(from, to, CancellationToken.None);
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var total = new SieveStageTimes();
        foreach (var sieve in sieves) total.Add(sieve.StageTimes!);
        return new StageRun(counts.Sum(), seconds, total);
    }
}
