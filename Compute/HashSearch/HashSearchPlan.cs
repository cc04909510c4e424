namespace Functions.Compute.HashSearch;

/// <summary>The first hit of a range of chunks, if any, and how many hashes its chunks computed.</summary>
internal sealed record HashSearchPartial(ulong? Nonce, long HashesComputed);

/// <summary>
/// Splits the nonce space into contiguous ranges in increasing order. A chunk that finds a hit ends the search:
/// chunks before it may still hold a smaller nonce and are finished, later ones cannot: they are not started, and
/// those already running stop early.
/// </summary>
internal sealed class HashSearchPlan : ComputePlan<HashSearchPartial>
{
    /// <summary>
    /// The search covers 64 times the expected 2^difficulty hashes; it misses with probability about e^−64,
    /// which in practice never happens, and then reports that nothing was found.
    /// </summary>
    internal const int CoverageBits = 6;

    /// <summary>Chunks of 2^12 hashes (about 1.5 ms) at least: below that, per-chunk overhead starts to show.</summary>
    internal const int MinChunkBits = 12;

    /// <summary>Chunks of 2^18 hashes (about 0.1 s for a short prefix) at most: the grain of progress and cancellation.</summary>
    internal const int MaxChunkBits = 18;

    /// <summary>Measured cost of one hash of a one-block message in the kernel's loop (360–415 ns), rounded up.</summary>
    private const double NanosecondsPerHash = 450;

    /// <summary>Measured extra cost of each further 64-byte SHA-256 block of a long prefix, rounded up.</summary>
    private const double NanosecondsPerExtraBlock = 50;

    private readonly byte[] _prefix;

    // One hash on one core, by the measured model.
    private readonly double _nanosecondsPerHash;

    // One plan serves one invocation's chunks on all threads; the bound tells those past a hit to stop.
    private readonly SearchBound _bound = new();

    /// <summary>A quarter of the expected hashes per chunk, clamped: a search then spans several chunks, which both threads share.</summary>
    private static int ChunkBits(int difficulty) => Math.Clamp(difficulty - 2, MinChunkBits, MaxChunkBits);

    /// <summary>The search of 64 times the expected hashes.</summary>
    public HashSearchPlan(byte[] prefix, int difficulty) : this(prefix, difficulty, TimeSpan.MaxValue)
    {
    }

    /// <summary>The search of 64 times the expected hashes, cut to the chunks <paramref name="budget"/> of core time pays for.</summary>
    public HashSearchPlan(byte[] prefix, int difficulty, TimeSpan budget)
        : this(prefix, difficulty, 1L << ChunkBits(difficulty), (int)Math.Max(1, (1L << (difficulty + CoverageBits)) >> ChunkBits(difficulty)), budget)
    {
    }

    internal HashSearchPlan(byte[] prefix, int difficulty, long chunkSize, int chunkCount, TimeSpan budget = default)
    {
        _prefix = prefix;
        Difficulty = difficulty;
        ChunkSize = chunkSize;
        // SHA-256 pads the message with at least 9 bytes to whole 64-byte blocks.
        var blocks = (prefix.Length + sizeof(ulong) + 9 + 63) / 64;
        _nanosecondsPerHash = NanosecondsPerHash + (blocks - 1) * NanosecondsPerExtraBlock;
        ChunkCost = TimeSpan.FromMicroseconds(chunkSize * _nanosecondsPerHash / 1000);
        var affordable = budget <= TimeSpan.Zero || budget == TimeSpan.MaxValue ? chunkCount : (int)Math.Clamp(budget.Ticks / Math.Max(1, ChunkCost.Ticks), 1, chunkCount);
        ChunkCount = affordable;
        StopsAtBudget = affordable < chunkCount;
    }

    /// <summary>True when the budget cut the search short of its 64-fold coverage: running out then is a failure, not "not found".</summary>
    public bool StopsAtBudget { get; }

    /// <summary>2^difficulty hashes expected; every chunk planned at most.</summary>
    public override WorkEstimate Estimate => new(TimeSpan.FromMicroseconds(_nanosecondsPerHash * Math.Pow(2, Difficulty) / 1000), ChunkCost * ChunkCount);

    public int Difficulty { get; }

    public long ChunkSize { get; }

    public override int ChunkCount { get; }

    public override TimeSpan ChunkCost { get; }

    public override HashSearchPartial Compute(int index, CancellationToken cancellationToken) =>
        HashSearchKernel.Search(_prefix, Difficulty, (ulong)index * (ulong)ChunkSize, ChunkSize, _bound, cancellationToken);

    /// <summary>
    /// An earlier hit is the answer and the later partial adds nothing, not even its hashes: chunks past a hit may
    /// have stopped anywhere, so counting them would make <c>hashesComputed</c> vary from run to run; it is the number
    /// of nonces up to and including the answer.
    /// </summary>
    public override HashSearchPartial Combine(HashSearchPartial earlier, HashSearchPartial later) =>
        earlier.Nonce is not null ? earlier : new(later.Nonce, earlier.HashesComputed + later.HashesComputed);

    public override bool EndsSearch(HashSearchPartial partial) => partial.Nonce is not null;

    public override ComputeOutput Complete(HashSearchPartial partial)
    {
        if (partial.Nonce is not { } nonce)
        {
            var searched = (ulong)ChunkCount * (ulong)ChunkSize;
            var output = ComputeOutput.Json(new { Found = false, Difficulty, NoncesSearched = searched, partial.HashesComputed });
            return StopsAtBudget
                ? output with { Failure = new("budget-exhausted", $"No hash with {Difficulty} leading zero bits among nonces 0 to {searched - 1}: the search stopped there, at the job's budget of core time.") }
                : output;
        }
        var hash = HashSearchKernel.Hash(_prefix, nonce);
        return ComputeOutput.Json(new
        {
            Found = true,
            Nonce = nonce,
            Hash = Convert.ToHexStringLower(hash),
            Difficulty,
            LeadingZeroBits = HashSearchKernel.LeadingZeroBits(hash),
            partial.HashesComputed,
        });
    }
}
