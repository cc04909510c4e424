namespace Functions.Compute.Primes;

/// <summary>
/// The parallel split: [0, limit] cut into balanced chunks, the one chunking that serves both the executor's threads
/// and the queue fan-out. Chunks are whole units of a fixed grid (<see cref="UnitBytes"/> wheel bytes) and all but the
/// last have the same number of units, between <see cref="PrimesTuning.MinUnitsPerChunk"/> and
/// <see cref="PrimesTuning.MaxUnitsPerChunk"/>, aiming at <see cref="PrimesTuning.TargetChunkCount"/> chunks; a job
/// smaller than the minimum is one chunk.
/// </summary>
/// <remarks>
/// The grid does not follow the machine's segment size: every instance that takes a range of a fanned-out job plans
/// it again, and instances of one job may have different caches, so the chunks must come out the same everywhere.
/// A unit is a whole number of segments for every power-of-two segment up to 1 MiB, so chunks hold no partial segment.
/// </remarks>
internal sealed class ChunkSplit
{
    /// <summary>Wheel bytes per grid unit: 2^20 bytes, 31,457,280 numbers.</summary>
    public const int UnitBytes = 1 << 20;

    private const long NumbersPerUnit = 30L * UnitBytes;

    public ChunkSplit(long limit)
    {
        Limit = limit;
        var units = (limit / 30 + UnitBytes) / UnitBytes;
        // As near the target count as the size bounds allow: at least ⌈units / max⌉ chunks, at most ⌊units / min⌋.
        var fewest = (units + PrimesTuning.MaxUnitsPerChunk - 1) / PrimesTuning.MaxUnitsPerChunk;
        var most = Math.Max(1, units / PrimesTuning.MinUnitsPerChunk);
        var chunks = Math.Max(fewest, Math.Min(most, PrimesTuning.TargetChunkCount));
        UnitsPerChunk = (units + chunks - 1) / chunks;
        ChunkCount = checked((int)((units + UnitsPerChunk - 1) / UnitsPerChunk));
    }

    public long Limit { get; }

    public int ChunkCount { get; }

    public long UnitsPerChunk { get; }

    /// <summary>The numbers in every chunk but the last.</summary>
    public long NumbersPerChunk => UnitsPerChunk * NumbersPerUnit;

    /// <summary>The numbers of chunk <paramref name="index"/>: [Low, High], Low a multiple of a unit's span.</summary>
    public (long Low, long High) Range(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        var low = index * NumbersPerChunk;
        var high = Math.Min(Limit, low + NumbersPerChunk - 1);
        return (low, high);
    }
}
