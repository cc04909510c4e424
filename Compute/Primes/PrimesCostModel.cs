namespace Functions.Compute.Primes;

/// <summary>
/// Estimates one chunk's time on one core. The work per number grows with Σ 1/p over the sieving primes,
/// ≈ ln ln √x − ln ln 163, plus a fixed cost per number (pre-sieve, popcount); the constants are fitted to runs of this
/// kernel and rounded up, since an invocation that overruns its time budget is worse than one that ends early.
/// </summary>
internal static class PrimesCostModel
{
    /// <summary>Nanoseconds per number that do not depend on the sieving primes.</summary>
    private const double FixedNanosecondsPerNumber = 0.02;

    /// <summary>Nanoseconds per number per unit of Σ 1/p.</summary>
    private const double CrossingNanosecondsPerNumber = 0.15;

    /// <summary>The cost of the largest chunk at the top of the range, the most expensive one.</summary>
    public static TimeSpan ChunkCost(ChunkSplit split)
    {
        var numbers = Math.Min(split.Limit + 1, split.SegmentsPerChunk * 30.0 * PrimesTuning.SegmentBytes);
        var nanoseconds = numbers * NanosecondsPerNumber(split.Limit);
        return TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(nanoseconds / 100)));
    }

    /// <summary>Nanoseconds per number sieved just below <paramref name="x"/>.</summary>
    public static double NanosecondsPerNumber(long x)
    {
        var root = Math.Sqrt(x);
        var reciprocalSum = root > PreSieve.MaxPrime ? Math.Log(Math.Log(root)) - Math.Log(Math.Log(PreSieve.MaxPrime)) : 0;
        return FixedNanosecondsPerNumber + CrossingNanosecondsPerNumber * reciprocalSum;
    }
}
