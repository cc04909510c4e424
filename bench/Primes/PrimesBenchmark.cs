namespace Functions.Bench.Primes;

/// <summary>
/// π(10^10) on one thread and on all threads, each against primesieve run alternately in the same loop (best of N for
/// both, so a burst of other load hits both sides), and the parallel efficiency T1 / (P × TP) from the same runs.
/// </summary>
public static class PrimesBenchmark
{
    private const long Limit = 10_000_000_000;
    private const long Expected = 455_052_511;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var threads = Environment.ProcessorCount;
        await PrimesRun.CountAsync(1_000_000_000, threads); // JIT and tiering warm-up
        PrimesRunResult? single = null, all = null;
        double reference1 = double.MaxValue, referenceP = double.MaxValue;
        var hasReference = true;
        for (var run = 0; run < options.Repeat; run++)
        {
            single = Faster(single, Checked(await PrimesRun.CountAsync(Limit, 1)));
            all = Faster(all, Checked(await PrimesRun.CountAsync(Limit, threads)));
            if (await Primesieve.CountAsync(Limit, 1) is { } one) reference1 = Math.Min(reference1, Checked(one.Count, one.Seconds));
            else hasReference = false;
            if (await Primesieve.CountAsync(Limit, threads) is { } every) referenceP = Math.Min(referenceP, Checked(every.Count, every.Seconds));
        }

        yield return Compare("primes 1e10 single thread", single!.Seconds, reference1, hasReference, "primesieve -t1", "goal ≤ 1.5");
        yield return Compare($"primes 1e10 all {threads} threads", all!.Seconds, referenceP, hasReference, $"primesieve -t{threads}", "");
        var efficiency = single.Seconds / (threads * all.Seconds);
        // primesieve's own efficiency in the same run shows how much other load on the machine took.
        var referenceEfficiency = hasReference ? $"; primesieve {Machine.Number(reference1 / (threads * referenceP))}" : "";
        yield return new Figure(
            "primes 1e10 parallel efficiency",
            $"T1 {Machine.Seconds(single.Seconds)}, T{threads} {Machine.Seconds(all.Seconds)}{referenceEfficiency}",
            $"T1/({threads}×T{threads}) = {Machine.Number(efficiency)} (goal ≥ 0.9)");
        // The estimate is for a chunk at the top of the range, where chunks are slowest: compare with the top 10 %, as at 10^12.
        var top = single.ChunkSeconds[^Math.Max(1, single.ChunkCount / 10)..];
        yield return new Figure(
            "primes 1e10 chunk cost estimate",
            $"{Machine.Seconds(single.ChunkCost.TotalSeconds)} vs mean of top {top.Length} chunks {Machine.Seconds(top.Average())} (1 thread)",
            $"{Machine.Number(single.ChunkCost.TotalSeconds / top.Average())}× measured (goal 1–1.5, conservative)");
    }

    private static Figure Compare(string name, double ours, double reference, bool hasReference, string referenceName, string goal) =>
        hasReference
            ? new Figure(name, $"{Machine.Seconds(ours)} vs {referenceName} {Machine.Seconds(reference)}",
                $"{Machine.Number(ours / reference)}× primesieve{(goal.Length > 0 ? $" ({goal})" : "")}")
            : new Figure(name, Machine.Seconds(ours), Primesieve.NotInstalled);

    private static PrimesRunResult Faster(PrimesRunResult? best, PrimesRunResult run) => best is null || run.Seconds < best.Seconds ? run : best;

    private static PrimesRunResult Checked(PrimesRunResult run)
    {
        Checked(run.Count, run.Seconds);
        return run;
    }

    private static double Checked(long count, double seconds) =>
        count == Expected ? seconds : throw new InvalidOperationException($"π(10^10) came out as {count}, expected {Expected}.");
}
