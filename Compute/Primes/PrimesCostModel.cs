namespace Functions.Compute.Primes;

/// <summary>
/// Estimates one chunk's time on one core from measured nanoseconds per number near x, which grow with x as more and
/// larger sieving primes join (a medium or large prime's multiple costs several times a small prime's). Rounded up by
/// a margin, since an invocation that overruns its time budget is worse than one that ends early.
/// </summary>
internal static class PrimesCostModel
{
    /// <summary>
    /// Time per number just below 10^9 … 10^13 on AMD EPYC Zen 5 (48 KiB L1d, 1 MiB L2, so 1 MiB segments up to
    /// ~3·10^11 and 2 MiB above): thread CPU time from <c>bench -- primes-stages</c> on a quiet machine, two threads,
    /// 0.081, 0.097, 0.120, 0.157 ns at 10^10 … 10^13, rounded up by about a tenth for the chunk's setup and other load;
    /// at 10^9 and 10^10 the chunk times of <c>bench -- primes</c> (0.070 ns in the top chunks below 10^10), which the
    /// stage timers' own cost does not inflate.
    /// </summary>
    private static ReadOnlySpan<double> NanosecondsPerNumber => [0.08, 0.08, 0.105, 0.135, 0.18];

    private const int FirstDecade = 9;

    /// <summary>Headroom for slower cores and noisy neighbours.</summary>
    private const double Margin = 1.25;

    /// <summary>The cost of a full chunk at the top of the range, the most expensive one.</summary>
    public static TimeSpan ChunkCost(ChunkSplit split)
    {
        var numbers = Math.Min(split.Limit + 1, (double)split.NumbersPerChunk);
        return TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(numbers * NanosecondsPerNumberNear(split.Limit) * Margin / 100)));
    }

    /// <summary>What chunk <paramref name="index"/> is expected to take on one core, without the margin: the calibration's yardstick.</summary>
    public static TimeSpan ExpectedCost(ChunkSplit split, int index)
    {
        var (low, high) = split.Range(index);
        return TimeSpan.FromTicks((long)Math.Ceiling((high - low + 1) * NanosecondsPerNumberNear(low + (high - low) / 2) / 100));
    }

    /// <summary>
    /// The whole count's core time: the measured cost per number summed over [0, limit] in 64 slices (the cost grows
    /// slowly with x, so the slices' midpoints are close enough). Expected as measured; at most with the margin.
    /// </summary>
    public static WorkEstimate Estimate(long limit)
    {
        const int Slices = 64;
        var nanoseconds = 0.0;
        for (var slice = 0; slice < Slices; slice++)
            nanoseconds += limit / (double)Slices * NanosecondsPerNumberNear((long)(limit * (slice + 0.5) / Slices));
        var expected = TimeSpan.FromTicks((long)Math.Ceiling(nanoseconds / 100));
        return new WorkEstimate(expected, expected * Margin);
    }

    /// <summary>Interpolates the measurements linearly in log10(x); below 10^9 the cost per number hardly changes.</summary>
    public static double NanosecondsPerNumberNear(long x)
    {
        var position = Math.Clamp(Math.Log10(Math.Max(x, 1)) - FirstDecade, 0, NanosecondsPerNumber.Length - 1);
        var below = (int)Math.Min(Math.Floor(position), NanosecondsPerNumber.Length - 2);
        var fraction = position - below;
        return NanosecondsPerNumber[below] * (1 - fraction) + NanosecondsPerNumber[below + 1] * fraction;
    }
}
