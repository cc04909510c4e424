using Functions.Compute;

namespace Functions.Tests.Compute;

/// <summary>
/// Runs a plan the way the app does, only through <see cref="IComputePlan"/> and <see cref="RangePlan"/>: chunks in
/// contiguous ranges, each range reduced up to the chunk that ends the search, then the range partials reduced and completed.
/// </summary>
internal static class PlanRunner
{
    public static ComputeOutput RunSequential(IComputePlan plan, CancellationToken cancellationToken = default)
    {
        var partials = new List<BinaryData>();
        for (var index = 0; index < plan.ChunkCount; index++)
        {
            var partial = plan.ComputeChunk(index, cancellationToken);
            partials.Add(partial);
            if (plan.EndsSearch(partial)) break;
        }
        return plan.Complete(plan.Reduce(partials));
    }

    /// <param name="chunksPerRange">How many chunks one simulated queue invocation takes; all of them by default.</param>
    public static async Task<ComputeOutput> RunParallelAsync(
        IComputePlan plan, ComputeExecutor executor, int? chunksPerRange = null, CancellationToken cancellationToken = default)
    {
        var ranges = RangePlan.Split(plan.ChunkCount, chunksPerRange ?? plan.ChunkCount);
        var rangePartials = new BinaryData?[ranges.RangeCount];
        for (var index = 0; index < ranges.RangeCount; index++)
        {
            var (first, end) = ranges.Bounds(index);
            var results = await executor.ForEachAsync(first, end, chunk => plan.ComputeChunk(chunk, cancellationToken), plan.EndsSearch, cancellationToken);
            var (partials, complete) = RangePlan.NeededParts(results, plan.EndsSearch);
            Assert.True(complete, $"A chunk of range {index} was skipped before the search ended.");
            rangePartials[index] = plan.Reduce(partials);
            if (plan.EndsSearch(rangePartials[index]!)) break;
        }

        var (needed, _) = RangePlan.NeededParts(rangePartials, plan.EndsSearch);
        return plan.Complete(plan.Reduce(needed));
    }
}
