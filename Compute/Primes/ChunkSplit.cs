namespace Functions.Compute.Primes;

/// <summary>
/// The parallel split: [0, limit] cut into balanced chunks of whole segments, the one chunking that serves both the
/// executor's threads and the queue fan-out. Every chunk starts on a segment boundary and all but the last have the
/// same number of segments, between <see cref="PrimesTuning.MinSegmentsPerChunk"/> and
/// <see cref="PrimesTuning.MaxSegmentsPerChunk"/>, aiming at <see cref="PrimesTuning.TargetChunkCount"/> chunks;
/// a job smaller than the minimum is one chunk.
/// </summary>
internal sealed class ChunkSplit
{
    private const long NumbersPerSegment = 30L * PrimesTuning.SegmentBytes;

    public ChunkSplit(long limit)
    {
        Limit = limit;
        var segments = (limit / 30 + PrimesTuning.SegmentBytes) / PrimesTuning.SegmentBytes;
        // As near the target count as the size bounds allow: at least ⌈segments / max⌉ chunks, at most ⌊segments / min⌋.
        var fewest = (segments + PrimesTuning.MaxSegmentsPerChunk - 1) / PrimesTuning.MaxSegmentsPerChunk;
        var most = Math.Max(1, segments / PrimesTuning.MinSegmentsPerChunk);
        var chunks = Math.Max(fewest, Math.Min(most, PrimesTuning.TargetChunkCount));
        SegmentsPerChunk = (segments + chunks - 1) / chunks;
        ChunkCount = checked((int)((segments + SegmentsPerChunk - 1) / SegmentsPerChunk));
    }

    public long Limit { get; }

    public int ChunkCount { get; }

    public long SegmentsPerChunk { get; }

    /// <summary>The numbers in every chunk but the last.</summary>
    public long NumbersPerChunk => SegmentsPerChunk * NumbersPerSegment;

    /// <summary>The numbers of chunk <paramref name="index"/>: [Low, High], Low a multiple of a segment's span.</summary>
    public (long Low, long High) Range(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        var low = index * SegmentsPerChunk * NumbersPerSegment;
        var high = Math.Min(Limit, low + SegmentsPerChunk * NumbersPerSegment - 1);
        return (low, high);
    }
}
