using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class PrimesTuningTests
{
    private const int KiB = 1024;

    [Theory]
    [InlineData(10_000_000_000L)]
    [InlineData(200_000_000_000L)]
    public void For_TodaysCaches_GivesTodaysValues(long limit)
    {
        // 32 KiB L1d and a private 1 MiB L2: the machine the constants were first measured on, and the fallback. Up to
        // limits whose 2·√limit fits the L2 the sizes are today's; the medium bound moved from 1.75 × segment to the
        // segment, measured faster near 10^13.
        var tuning = PrimesTuning.For(CpuCaches.Fallback, limit);

        Assert.Equal((32 * KiB, 1024 * KiB, 6_553, 1_048_576), Sizes(tuning));
    }

    [Theory]
    // Today's caches at 10^12 and 10^13: 2·√limit exceeds the L2, so the segment doubles (and no more).
    [InlineData(32, 1024, 1, 1_000_000_000_000L, 32, 2048, 6_553, 2_097_152)]
    [InlineData(32, 1024, 1, 10_000_000_000_000L, 32, 2048, 6_553, 2_097_152)]
    // 48 KiB L1d and 2 MiB L2 (Intel Sapphire Rapids, Granite Rapids): the L2, then twice it.
    [InlineData(48, 2048, 1, 10_000_000_000L, 48, 2048, 9_830, 2_097_152)]
    [InlineData(48, 2048, 1, 10_000_000_000_000L, 48, 4096, 9_830, 4_194_304)]
    // 32 KiB L1d and 512 KiB L2 (AMD Zen 2 and 3): the segment stays within the L2 while √limit does, then doubles.
    [InlineData(32, 512, 1, 10_000_000_000L, 32, 512, 6_553, 524_288)]
    [InlineData(32, 512, 1, 100_000_000_000L, 32, 512, 6_553, 524_288)]
    [InlineData(32, 512, 1, 274_877_906_944L, 32, 512, 6_553, 524_288)]
    [InlineData(32, 512, 1, 1_000_000_000_000L, 32, 1024, 6_553, 1_048_576)]
    [InlineData(32, 512, 1, 10_000_000_000_000L, 32, 1024, 6_553, 1_048_576)]
    // 48 KiB L1d and 1 MiB L2 (AMD Zen 5, this machine): the L2, then twice it.
    [InlineData(48, 1024, 1, 10_000_000_000L, 48, 1024, 9_830, 1_048_576)]
    [InlineData(48, 1024, 1, 100_000_000_000L, 48, 1024, 9_830, 1_048_576)]
    [InlineData(48, 1024, 1, 1_000_000_000_000L, 48, 2048, 9_830, 2_097_152)]
    [InlineData(48, 1024, 1, 10_000_000_000_000L, 48, 2048, 9_830, 2_097_152)]
    // 32 KiB L1d and 2 MiB L2: 2 MiB, then 4 MiB.
    [InlineData(32, 2048, 1, 10_000_000_000L, 32, 2048, 6_553, 2_097_152)]
    [InlineData(32, 2048, 1, 100_000_000_000L, 32, 2048, 6_553, 2_097_152)]
    [InlineData(32, 2048, 1, 10_000_000_000_000L, 32, 4096, 6_553, 4_194_304)]
    // 64 KiB L1d and 1 MiB L2 (Arm Neoverse N2): larger blocks, the segments of 48K/1M.
    [InlineData(64, 1024, 1, 10_000_000_000L, 64, 1024, 13_107, 1_048_576)]
    [InlineData(64, 1024, 1, 100_000_000_000L, 64, 1024, 13_107, 1_048_576)]
    [InlineData(64, 1024, 1, 10_000_000_000_000L, 64, 2048, 13_107, 2_097_152)]
    // Two hyper-threads sharing a 2 MiB L2 (a 2-vCPU VM on one core): each thread counts on half.
    [InlineData(48, 2048, 2, 10_000_000_000L, 48, 1024, 9_830, 1_048_576)]
    // 1.25 MiB L2 (Intel Ice Lake server): the power of two below it.
    [InlineData(48, 1280, 1, 10_000_000_000L, 48, 1024, 9_830, 1_048_576)]
    // An odd L1d and an L2 no larger than it: whole 4 KiB in the block, the L2 counted as the 128 KiB floor.
    [InlineData(37, 16, 1, 1_000_000_000L, 36, 128, 7_372, 131_072)]
    [InlineData(37, 16, 1, 10_000_000_000L, 36, 128, 7_372, 131_072)]
    // Readings of zero, and a tiny limit, must not break the sieve.
    [InlineData(0, 0, 1, 0L, 16, 128, 3_276, 131_072)]
    // A huge L2 is capped: the bucket sieve keeps offsets in 23 bits.
    [InlineData(64, 32768, 1, 10_000_000_000_000L, 64, 4096, 13_107, 4_194_304)]
    public void For_OtherCachesAndLimits_GivesSaneSizes(
        int l1KiB, int l2KiB, int l2SharedBy, long limit, int blockKiB, int segmentKiB, int maxSmall, int maxMedium)
    {
        var tuning = PrimesTuning.For(new CpuCaches(l1KiB * KiB, l2KiB * KiB, l2SharedBy, "test"), limit);

        Assert.Equal((blockKiB * KiB, segmentKiB * KiB, maxSmall, maxMedium), Sizes(tuning));
        Assert.True(tuning.BlockBytes <= tuning.SegmentBytes);
        Assert.Equal(tuning.SegmentBytes, 1 << tuning.SegmentShift);
    }

    [Fact]
    public void ForLimit_IsDerivedFromThisMachinesCaches()
    {
        Assert.Equal(PrimesTuning.For(CpuCaches.Current, 1_000_000), PrimesTuning.ForLimit(1_000_000));
        Assert.Equal(CpuCaches.Current, PrimesTuning.Summary.Caches);
        Assert.True(PrimesTuning.Summary.MinSegmentBytes <= PrimesTuning.Summary.MaxSegmentBytes);
    }

    private static (int, int, int, int) Sizes(PrimesTuning tuning) =>
        (tuning.BlockBytes, tuning.SegmentBytes, tuning.MaxSmallPrime, tuning.MaxMediumPrime);
}
