namespace Functions.Compute;

/// <summary>
/// How a plan's chunks are grouped into ranges, each the work of one queue invocation: contiguous runs of equal size
/// (the last may be shorter), in chunk order. The same on every instance, since each computes ranges of one job.
/// </summary>
public sealed record RangePlan(int ChunkCount, int RangeCount)
{
    /// <summary>As few ranges as let each one fit <paramref name="invocationBudget"/> on <paramref name="threads"/> threads, by the plan's chunk cost.</summary>
    public static RangePlan For(IComputePlan plan, TimeSpan invocationBudget, int threads)
    {
        var chunksPerRange = Math.Max(1, (invocationBudget * threads).Ticks / Math.Max(plan.ChunkCost.Ticks, 1));
        return Split(plan.ChunkCount, chunksPerRange);
    }

    /// <summary>As few ranges as hold <paramref name="chunkCount"/> chunks with at most <paramref name="chunksPerRange"/> in each.</summary>
    public static RangePlan Split(int chunkCount, long chunksPerRange)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunksPerRange, 1);
        return new RangePlan(chunkCount, (int)Math.Min(chunkCount, (chunkCount + chunksPerRange - 1) / chunksPerRange));
    }

    /// <summary>Range <paramref name="index"/>'s chunks: [First, End).</summary>
    public (int First, int End) Bounds(int index)
    {
        var perRange = (ChunkCount + RangeCount - 1) / RangeCount;
        return (index * perRange, Math.Min(ChunkCount, (index + 1) * perRange));
    }

    /// <summary>
    /// The parts an answer is reduced from, in order: each part up to the first that ends a search, which is the last one
    /// needed, since no later part can change the answer. It stops early at a part not there yet (null); then it is not
    /// <c>Complete</c>. Serves both the chunks of one range and the ranges of one job.
    /// </summary>
    public static (List<T> Parts, bool Complete) NeededParts<T>(IReadOnlyList<T?> parts, Func<T, bool> endsSearch)
        where T : class
    {
        var decisive = new List<T>();
        foreach (var part in parts)
        {
            if (part is null) return (decisive, false);
            decisive.Add(part);
            if (endsSearch(part)) return (decisive, true);
        }

        return (decisive, true);
    }
}
