using System.Numerics;

namespace Functions.Compute.Primes;

/// <summary>
/// The kernel's sizes, derived from the caches of the machine it runs on (<see cref="CpuCaches"/>), and the chunking
/// constants, which are the same on every machine. Each value carries the reason and the measurement behind it.
/// </summary>
/// <param name="Caches">What the sizes were derived from.</param>
/// <param name="BlockBytes">Bytes of one block for the pre-sieve and the small primes, crossed off while it is in L1.</param>
/// <param name="SegmentBytes">Bytes of one segment (30 numbers per byte), a power of two: the bucket sieve divides by shifting.</param>
/// <param name="MaxSmallPrime">Primes up to this are crossed off block by block.</param>
/// <param name="MaxMediumPrime">Primes up to this are crossed off segment by segment with the wheel loop; above it, bucket sieve.</param>
internal sealed record PrimesTuning(CpuCaches Caches, int BlockBytes, int SegmentBytes, int MaxSmallPrime, int MaxMediumPrime)
{
    /// <summary>
    /// Fewest chunk-grid units (<see cref="ChunkSplit.UnitBytes"/>) per chunk: 1.3 × 10^8 numbers, about 15 ms at 10^10,
    /// where the per-chunk setup (one division per sieving prime, ~0.2 ms) is still below 2 %. Small enough that 10^10
    /// splits into 64 chunks and two threads finish within one short chunk of each other.
    /// </summary>
    public const int MinUnitsPerChunk = 4;

    /// <summary>
    /// Most units per chunk: 32 × 31.5 million = 10^9 numbers, about 0.3 s on one core near 10^13 (setup there:
    /// 227,000 sieving primes, ~5 ms), so cancellation and progress stay granular; 10^13 is planned into 9,935 chunks.
    /// </summary>
    public const int MaxUnitsPerChunk = 32;

    /// <summary>
    /// Between the two bounds a job is split into this many chunks: enough for the executor's threads to end together
    /// and for a queue fan-out, few enough that the per-chunk setup stays negligible.
    /// </summary>
    public const int TargetChunkCount = 64;

    /// <summary>log2 of <see cref="SegmentBytes"/>.</summary>
    public int SegmentShift => BitOperations.Log2((uint)SegmentBytes);

    /// <summary>The tuning for counting up to <paramref name="limit"/> with this machine's caches (read once at start).</summary>
    public static PrimesTuning ForLimit(long limit) => For(CpuCaches.Current, limit);

    /// <summary>
    /// What to log once at start: the caches read (and from where), the block, and the segment for the smallest and the
    /// largest limit.
    /// </summary>
    public static (CpuCaches Caches, int BlockBytes, int MinSegmentBytes, int MaxSegmentBytes) Summary =>
        (CpuCaches.Current, ForLimit(0).BlockBytes, ForLimit(0).SegmentBytes, ForLimit(PrimesKind.MaxLimit).SegmentBytes);

    /// <summary>
    /// Derives the sizes from <paramref name="caches"/> and <paramref name="limit"/> the way primesieve does (its
    /// <c>get_sieve_size</c> and <c>Erat::initAlgorithms</c>): blocks of the L1 data cache, a power-of-two segment of
    /// 2·√limit bytes bounded by what the L2 one CPU can count on, small primes up to 0.2 × block, medium primes up to
    /// the segment's bytes. Where the bounds differ from primesieve's, the reason is measured and stated below.
    /// </summary>
    public static PrimesTuning For(CpuCaches caches, long limit)
    {
        // Small primes hit a block many times, so their crossings must stay in L1: the block is the L1d, in whole 4 KiB
        // (a 48 KiB L1d makes 48 KiB blocks). 48 vs 32 KiB blocks on this machine's 48 KiB L1d, small + medium per 10^9
        // numbers below 10^12: 134 vs 137 ms.
        var block = Math.Clamp(caches.L1DataBytes / 4096 * 4096, MinBlockBytes, MaxBlockBytes);

        // Medium and large primes scatter their crossings over the segment, which should mostly stay in the L2 one CPU
        // can count on (a hyper-thread sibling sharing the L2 halves it). A larger segment means fewer visits of each
        // medium prime (~13 ns each, mostly a mispredicted loop exit) and fewer large primes (~2.6 ns per multiple in
        // a bucket), so, like primesieve 12, the segment grows with the sieving primes: 2·√limit bytes. primesieve
        // keeps it below the L2 (512 KiB for 1 MiB); here it is at least the L2, and from a 1 MiB L2 up at most twice
        // it, as measured on Zen 5 with both threads busy, thread CPU time per 4·10^9 numbers just below x, 1 / 2 / 4 MiB
        // segments on a 1 MiB L2: 10^12: 647 / 539 / 546 ms, 10^12.5: 702 / 638 / 631 ms, 10^13: 856 / 727 / 705 ms;
        // 10^11: 481 / 465 ms (512 KiB: 495 ms); 10^10: 397 / 451 ms (512 KiB: 407 ms). A smaller L2 keeps the segment
        // within it as long as every sieving prime is still medium there (√limit ≤ L2): on Zen 2/3 (32 KiB / 512 KiB)
        // π(10^11) with 1 MiB segments, twice its L2, took 1.18× primesieve's CPU time, and the run with 512 KiB, 10^10,
        // 0.95–0.98×; primesieve 11 sieves 256 KiB there. Above, halving the segment files the primes between the
        // two in buckets: forced 32K/512K sizing on this 1 MiB L2, 10^12, 512 KiB vs 1 MiB segments, 0.87–0.89× vs
        // 1.09× primesieve's CPU time (large primes 1 → 50 ms per 10^9 numbers), more than the spill costs.
        var l2 = 1 << BitOperations.Log2((uint)Math.Max(1, caches.L2BytesPerCpu));
        l2 = Math.Clamp(l2, Math.Max(MinSegmentBytes, block), MaxL2SegmentBytes);
        var root = Math.Sqrt(Math.Max(limit, 0));
        var wanted = BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, 2 * root));
        var largest = l2 >= MinL2ToSpill || root > l2 ? 2UL * (ulong)l2 : (ulong)l2;
        var segment = (int)Math.Clamp(wanted, (ulong)l2, largest);
        block = Math.Min(block, segment);

        // primesieve's FACTOR_ERATSMALL: a small prime makes at least 8 × 5 = 40 crossings per block, which amortises
        // its per-block entry and exit.
        var maxSmall = block / 5;

        // Above the segment a prime spans more than a segment per turn of 8 multiples, so its visit per segment costs
        // more than filing each multiple in a bucket. primesieve uses 1.75 (version 11) to 3 (12) × segment. Thread CPU
        // time per 2·10^9 numbers below 10^13 with 1 MiB segments, 1.75 / 1.25 / 1 × segment: 382 / 373 / 370 ms.
        var maxMedium = segment;
        return new PrimesTuning(caches, block, segment, maxSmall, maxMedium);
    }

    /// <summary>Below 16 KiB the per-block setup of the pre-sieve's 16 patterns starts to show.</summary>
    private const int MinBlockBytes = 16 * 1024;

    /// <summary>No L1d is this large; a bad reading must not make blocks that spill it.</summary>
    private const int MaxBlockBytes = 256 * 1024;

    /// <summary>
    /// The smallest L2 (per CPU) a segment may always outgrow, up to twice its size: measured faster from 10^12 up on
    /// Zen 5's 1 MiB L2, slower at 10^11 on a 512 KiB one (where a smaller L2 is outgrown only once there are large primes).
    /// </summary>
    private const int MinL2ToSpill = 1024 * 1024;

    /// <summary>Segments under 128 KiB would visit each medium prime too often.</summary>
    private const int MinSegmentBytes = 128 * 1024;

    /// <summary>
    /// The L2 counts as at most 2 MiB, so segments stay at most 4 MiB: the bucket sieve keeps a multiple's offset in
    /// 23 bits (8 MiB), and a chunk (whole MiB) should hold whole segments or few partial ones.
    /// </summary>
    private const int MaxL2SegmentBytes = 2 * 1024 * 1024;
}
