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
    /// Bytes of one segment (30 numbers per byte, so 31.5 million numbers): the 1 MiB L2 per core of this machine
    /// (<c>getconf LEVEL2_CACHE_SIZE</c>), where the medium and large primes scatter their crossings. Measured per
    /// 10^9 numbers (thread CPU time) with 256 KiB / 512 KiB / 1 MiB / 2 MiB segments: 1.05 / 1.03 / 1.03 / 1.07 s
    /// below 10^10, 280 / 208 / 187 / 174 ms below 10^12, 410 / 302 / 260 / 224 ms below 10^13; 2 MiB spills L2 and
    /// loses at 10^10. A power of two (the bucket sieve divides by shifting) and a multiple of <see cref="L1BlockBytes"/>.
    /// </summary>
    public const int SegmentBytes = 1024 * 1024;

    /// <summary>log2 of <see cref="SegmentBytes"/>.</summary>
    public const int SegmentShift = 20;

    /// <summary>
    /// Primes up to this value are crossed off one L1 block at a time: they make at least 8 × 32768 / 6553 = 40
    /// crossings per block, so the per-prime setup is amortised (primesieve's FACTOR_ERATSMALL = 0.2 of L1).
    /// </summary>
    public const int MaxSmallPrime = L1BlockBytes / 5;

    /// <summary>
    /// Primes up to this value (1.8 million) are crossed off once per segment with the unrolled wheel loop; above it a
    /// prime has fewer than 8 / 1.75 ≈ 4.6 multiples per segment and filing each multiple in a bucket is as cheap as
    /// the loop's setup and mispredicted exit. Measured near 10^13 with 256 KiB segments: 1.75 × segment beat 0.5, 1
    /// and 3 × segment by 2–6 % (primesieve 11 uses the same factor); with 1 MiB segments, 4 × (no large primes at all
    /// up to 10^13) was no faster.
    /// </summary>
    public const int MaxMediumPrime = SegmentBytes * 7 / 4;

    /// <summary>
    /// Fewest segments per chunk: 1.3 × 10^8 numbers, about 15 ms at 10^10, where the per-chunk setup (one division
    /// per sieving prime, ~0.2 ms) is still below 2 %. Small enough that 10^10 splits into 64 chunks and two threads
    /// finish within one short chunk of each other.
    /// </summary>
    public const int MinSegmentsPerChunk = 4;

    /// <summary>
    /// Most segments per chunk: 32 × 31.5 million = 10^9 numbers, about 0.3 s on one core near 10^13 (setup there:
    /// 227,000 sieving primes, ~5 ms), so cancellation and progress stay granular; 10^13 is planned into 9,935 chunks.
    /// </summary>
    public const int MaxSegmentsPerChunk = 32;

    /// <summary>
    /// Between the two bounds a job is split into this many chunks: enough for the executor's threads to end together
    /// and for a queue fan-out, few enough that the per-chunk setup stays negligible.
    /// </summary>
    public const int TargetChunkCount = 64;
}
