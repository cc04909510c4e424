using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Primes;

namespace Functions.Bench.Primes;

/// <summary>One counted run: the answer, its wall time and how the plan was chunked.</summary>
public sealed record PrimesRunResult(long Count, double Seconds, int ChunkCount, TimeSpan ChunkCost);

/// <summary>Counts primes the way the app does: plan, all chunks on the compute executor, reduce, complete.</summary>
public static class PrimesRun
{
    public static async Task<PrimesRunResult> CountAsync(long limit, int threads)
    {
        using var executor = new ComputeExecutor(threads);
        var stopwatch = Stopwatch.StartNew();
        var plan = new PrimesKind().Plan(JsonSerializer.SerializeToElement(new { limit }));
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), null, CancellationToken.None);
        var output = plan.Complete(plan.Reduce(partials!));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        return new(output.Value.GetProperty("count").GetInt64(), seconds, plan.ChunkCount, plan.ChunkCost);
    }
}
