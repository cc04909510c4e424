using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Primes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.Bench.App;

/// <summary>
/// What the lowered priority costs the compute itself when nothing else wants the cores: π(10^10) on every core at
/// <c>Compute__Priority</c> idle against normal, interleaved, best of <c>--repeat</c> each. Run it on a quiet machine:
/// on a busy one SCHED_IDLE threads give way to every other process, which is their purpose.
/// </summary>
public static class ComputePriorityBenchmark
{
    private const long Limit = 10_000_000_000;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var plan = new PrimesKind().Plan(JsonSerializer.SerializeToElement(new { limit = Limit }));
        var threads = Environment.ProcessorCount;
        await TimeAsync(plan, threads, ComputePriority.Normal); // warm-up
        double normal = double.MaxValue, idle = double.MaxValue;
        for (var run = 0; run < options.Repeat; run++)
        {
            normal = Math.Min(normal, await TimeAsync(plan, threads, ComputePriority.Normal));
            idle = Math.Min(idle, await TimeAsync(plan, threads, ComputePriority.Idle));
        }

        yield return new Figure(
            $"primes 1e10 at idle priority, {threads} threads",
            $"idle {Machine.Seconds(idle)} vs normal {Machine.Seconds(normal)}",
            $"{Machine.Number(idle / normal, "0.000")}× normal (goal ≤ 1.05)");
    }

    private static async Task<double> TimeAsync(IComputePlan plan, int threads, ComputePriority priority)
    {
        using var executor = new ComputeExecutor(threads, priority, NullLogger.Instance);
        var clock = Stopwatch.StartNew();
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), null, CancellationToken.None, plan.ChunkCost);
        plan.Complete(plan.Reduce(partials.Cast<BinaryData>().ToList()));
        return clock.Elapsed.TotalSeconds;
    }
}
