using Functions.Compute.Primes;

namespace Functions.Bench.Primes;

/// <summary>
/// π(10^11) and π(10^12) on all threads, and the top 10^11 numbers below 10^13 (the last chunks of π(10^13)'s plan, so
/// the run stays short), each against primesieve over the same numbers, alternating in one loop: best and worst of N
/// for both, and the ratio of the least CPU time each took (which other load on the machine disturbs less). Then the
/// cost model's chunk estimate against the measured top chunks at 10^12.
/// </summary>
public static class PrimesLargeBenchmark
{
    private static readonly (string Name, long Limit, long Numbers, long Expected)[] Ranges =
    [
        ("primes 1e11", 100_000_000_000, 0, 4_118_054_813),
        ("primes 1e12", 1_000_000_000_000, 0, 37_607_912_018),
        ("primes 1e13 top 1e11", 10_000_000_000_000, 100_000_000_000, 0),
    ];

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        await PrimesRun.CountAsync(1_000_000_000, threads); // JIT warm-up
        PrimesRunResult? costRun = null;
        foreach (var (name, limit, numbers, expected) in Ranges)
        {
            var split = new ChunkSplit(limit);
            var firstChunk = numbers == 0 ? 0 : Math.Max(0, split.ChunkCount - (int)Math.Ceiling((double)numbers / split.NumbersPerChunk));
            var low = split.Range(firstChunk).Low;
            var ours = new List<double>();
            var reference = new List<double>();
            double oursCpu = double.MaxValue, referenceCpu = double.MaxValue;
            long? referenceCount = null;
            for (var run = 0; run < options.Repeat; run++)
            {
                var result = await PrimesRun.CountAsync(limit, threads, firstChunk);
                if (expected != 0 && result.Count != expected) throw new InvalidOperationException($"{name}: {result.Count} primes, expected {expected}.");
                if (referenceCount is { } c && c != result.Count) throw new InvalidOperationException($"{name}: {result.Count} primes, primesieve {c}.");
                ours.Add(result.Seconds);
                oursCpu = Math.Min(oursCpu, result.CpuSeconds);
                if (limit == 1_000_000_000_000 && (costRun is null || result.Seconds < costRun.Seconds)) costRun = result;
                if (await Primesieve.CountAsync(low, limit, threads) is not { } r) continue;
                if (r.Count != result.Count) throw new InvalidOperationException($"{name}: {result.Count} primes, primesieve {r.Count}.");
                referenceCount = r.Count;
                reference.Add(r.Seconds);
                referenceCpu = Math.Min(referenceCpu, r.CpuSeconds ?? double.MaxValue);
            }

            var label = $"{name} all {threads} threads";
            yield return reference.Count > 0
                ? new Figure(label,
                    $"{Machine.Seconds(ours.Min())} (worst {Machine.Seconds(ours.Max())}) vs primesieve {Machine.Seconds(reference.Min())} (worst {Machine.Seconds(reference.Max())})",
                    $"{Machine.Number(ours.Min() / reference.Min())}× primesieve (best of {options.Repeat}{(referenceCpu < double.MaxValue ? $"; CPU time {Machine.Number(oursCpu / referenceCpu)}×" : "")})")
                : new Figure(label, $"{Machine.Seconds(ours.Min())} (worst {Machine.Seconds(ours.Max())})", Primesieve.NotInstalled);
        }

        // The estimate is for a chunk at the top of the range, where chunks are slowest: compare with the top 10 %.
        var top = costRun!.ChunkSeconds[^Math.Max(1, costRun.ChunkCount / 10)..];
        yield return new Figure(
            "primes 1e12 chunk cost estimate",
            $"{Machine.Seconds(costRun.ChunkCost.TotalSeconds)} vs mean of top {top.Length} chunks {Machine.Seconds(top.Average())} ({threads} threads busy)",
            $"{Machine.Number(costRun.ChunkCost.TotalSeconds / top.Average())}× measured (goal 1–1.5, conservative)");
    }
}
