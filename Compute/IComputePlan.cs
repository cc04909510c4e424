namespace Functions.Compute;

/// <summary>
/// A validated job split into <see cref="ChunkCount"/> balanced chunks. The same chunks feed the executor's
/// threads and the queue fan-out: an invocation computes a contiguous range of chunks and reduces it to one partial.
/// Partials travel through storage, so they are serialized. Planning is deterministic: the same input gives the same
/// chunks on every instance, since different instances compute different ranges of one job.
/// </summary>
public interface IComputePlan
{
    int ChunkCount { get; }

    /// <summary>Estimated time of one chunk on one core; it decides how many chunks one invocation takes.</summary>
    TimeSpan ChunkCost { get; }

    /// <summary>What the whole job costs in core time; by default every chunk at <see cref="ChunkCost"/>.</summary>
    WorkEstimate Estimate => WorkEstimate.Exactly(ChunkCost * ChunkCount);

    /// <summary>Computes one chunk. Pure CPU, run on a compute thread, many chunks at once.</summary>
    BinaryData ComputeChunk(int index, CancellationToken cancellationToken);

    /// <summary>True when no chunk after this one can change the answer (a search found its smallest hit).</summary>
    bool EndsSearch(BinaryData partial);

    /// <summary>Combines the partials of contiguous chunk ranges, given in chunk order, into one.</summary>
    BinaryData Reduce(IReadOnlyList<BinaryData> partials);

    /// <summary>Turns the partial of all chunks into the job's output.</summary>
    ComputeOutput Complete(BinaryData partial);
}
