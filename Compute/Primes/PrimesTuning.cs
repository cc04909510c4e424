namespace Functions.Compute.Primes;

/// <summary>Every tuning constant of the primes kernel, each with the reason for its value.</summary>
internal static class PrimesTuning
{
    /// <summary>
    /// Bytes of one sieve block for the small primes: the L1 data cache per core (32 KiB on this machine,
    /// <c>getconf LEVEL1_DCACHE_SIZE</c>, and on nearly every x64 core of the last decade). Small primes hit every
    /// block many times, so their crossings must stay in L1.
    /// </summary>
    public const int L1BlockBytes = 32 * 1024;

    /// <summary>
    /// Bytes of one segment (30 numbers per byte, so 7.9 million numbers): a quarter of the 1 MiB L2 per core, so the
    /// segment, the pre-sieve patterns and the bucket lists stay in L2 while medium and large primes scatter across it.
    /// A power of two (the bucket sieve divides by shifting) and a multiple of <see cref="L1BlockBytes"/>.
    /// </summary>
    public const int SegmentBytes = 256 * 1024;

    /// <summary>log2 of <see cref="SegmentBytes"/>.</summary>
    public const int SegmentShift = 18;

    /// <summary>
    /// Primes up to this value are crossed off one L1 block at a time: they make at least 8 × 32768 / 6553 = 40
    /// crossings per block, so the per-prime setup is amortised (primesieve's FACTOR_ERATSMALL = 0.2 of L1).
    /// </summary>
    public const int MaxSmallPrime = L1BlockBytes / 5;

    /// <summary>
    /// Primes up to this value are crossed off once per segment with the unrolled wheel loop; above it a prime has
    /// fewer than 8 × 262144 / 458752 ≈ 4.6 multiples per segment, the loop's setup and mispredicted exit cost more
    /// than filing each multiple in a bucket. Measured near 10^13: 1.75 × segment beat 0.5, 1 and 3 × segment by 2–6 %
    /// (primesieve 11 uses the same factor).
    /// </summary>
    public const int MaxMediumPrime = SegmentBytes * 7 / 4;

    /// <summary>
    /// Fewest segments per chunk: about 60 ms of work at 10^10, so the per-chunk setup (a division per sieving prime)
    /// stays below 1 % and a queue invocation is not flooded with tiny chunks.
    /// </summary>
    public const int MinSegmentsPerChunk = 64;

    /// <summary>
    /// Most segments per chunk: 256 × 7.9 million = 2 × 10^9 numbers, about 0.5 s on one core near 10^13, which keeps
    /// cancellation and progress granular; 10^13 is then planned into about 5,000 chunks.
    /// </summary>
    public const int MaxSegmentsPerChunk = 256;

    /// <summary>
    /// Between the two bounds a job is split into about this many chunks, enough for the executor's threads to end
    /// together (the last chunk is at most 1/32 of one thread's share on a 2-core machine).
    /// </summary>
    public const int TargetChunkCount = 64;

    /// <summary>The cancellation token is read once per this many segments (about 16 ms of work).</summary>
    public const int SegmentsPerCancellationCheck = 16;
}
