using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Primes;

namespace Functions.Bench.Primes;

/// <summary>One counted run: the answer, its wall and process CPU time, how the plan was chunked and each chunk's time.</summary>
public sealed record PrimesRunResult(long Count, double Seconds, double CpuSeconds, int ChunkCount, TimeSpan ChunkCost, double[] ChunkSeconds);

/// <summary>Counts primes the way the app does: plan, all chunks on the compute executor, reduce, complete.</summary>
public static class PrimesRun
{
    /// <summary>Runs chunks [<paramref name="firstChunk"/>, ChunkCount) of π(<paramref name="limit"/>)'s plan.</summary>
    public static async Task<PrimesRunResult> CountAsync(long limit, int threads, int firstChunk = 0)
    {
        using var executor = new ComputeExecutor(threads);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var plan = new PrimesKind().Plan(JsonSerializer.SerializeToElement(new { limit }));
        var chunkSeconds = new double[plan.ChunkCount];
        var partials = await executor.ForEachAsync(firstChunk, plan.ChunkCount, i =>
        {
            var start = Stopwatch.GetTimestamp();
            var partial = plan.ComputeChunk(i, CancellationToken.None);
            chunkSeconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return partial;
        }, null, CancellationToken.None);
        var output = plan.Complete(plan.Reduce(partials!));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        self.Refresh();
        var cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        return new(output.Value.GetProperty("count").GetInt64(), seconds, cpuSeconds, plan.ChunkCount, plan.ChunkCost, chunkSeconds[firstChunk..]);
    }
}
