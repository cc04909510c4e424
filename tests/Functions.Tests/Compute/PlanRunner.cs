using Functions.Compute;

namespace Functions.Tests.Compute;

/// <summary>
/// Runs a plan the way the app does, only through <see cref="IComputePlan"/>: chunks in contiguous ranges, each range
/// reduced in chunk order up to the chunk that ends the search, then the range partials reduced and completed.
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
        var rangeSize = chunksPerRange ?? plan.ChunkCount;
        var rangePartials = new List<BinaryData>();
        for (var from = 0; from < plan.ChunkCount; from += rangeSize)
        {
            var to = Math.Min(plan.ChunkCount, from + rangeSize);
            var results = await executor.ForEachAsync(from, to, index => plan.ComputeChunk(index, cancellationToken), plan.EndsSearch, cancellationToken);
            var (partials, endsSearch) = UpToEndOfSearch(plan, results, from);
            rangePartials.Add(plan.Reduce(partials));
            if (endsSearch) break;
        }
        return plan.Complete(plan.Reduce(rangePartials));
    }

    private static (List<BinaryData> Partials, bool EndsSearch) UpToEndOfSearch(IComputePlan plan, BinaryData?[] results, int from)
    {
        var partials = new List<BinaryData>();
        for (var i = 0; i < results.Length; i++)
        {
            var partial = results[i] ?? throw new InvalidOperationException($"Chunk {from + i} was skipped before the search ended.");
            partials.Add(partial);
            if (plan.EndsSearch(partial)) return (partials, true);
        }
        return (partials, false);
    }
}
