using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class PrimesTuningTests
{
    private const int KiB = 1024;

    [Fact]
    public void For_TodaysCaches_GivesTodaysValues()
    {
        // 32 KiB L1d and a private 1 MiB L2: the machine the constants were first measured on, and the fallback. The
        // medium bound moved from 1.75 × segment to the segment, measured faster near 10^13 (PrimesTuning.For).
        var tuning = PrimesTuning.For(CpuCaches.Fallback);

        Assert.Equal((32 * KiB, 1024 * KiB, 6_553, 1_048_576), Sizes(tuning));
    }

    [Theory]
    // 48 KiB L1d and 2 MiB L2 (Intel Sapphire Rapids, Granite Rapids): the whole L2.
    [InlineData(48, 2048, 1, 48, 2048, 9_830, 2_097_152)]
    // 32 KiB L1d and 512 KiB L2 (AMD Zen 2 and 3): the whole L2, large primes above 524,288.
    [InlineData(32, 512, 1, 32, 512, 6_553, 524_288)]
    // 48 KiB L1d and 1 MiB L2 (AMD Zen 5, this machine).
    [InlineData(48, 1024, 1, 48, 1024, 9_830, 1_048_576)]
    // Two hyper-threads sharing a 2 MiB L2 (a 2-vCPU VM on one core): each thread's segment gets half.
    [InlineData(48, 2048, 2, 48, 1024, 9_830, 1_048_576)]
    // 1.25 MiB L2 (Intel Ice Lake server): the power of two below it.
    [InlineData(48, 1280, 1, 48, 1024, 9_830, 1_048_576)]
    // An odd L1d and an L2 no larger than it: whole 4 KiB in the block, the segment at its floor.
    [InlineData(37, 16, 1, 36, 128, 7_372, 131_072)]
    // A reading of zero must not break the sieve.
    [InlineData(0, 0, 1, 16, 128, 3_276, 131_072)]
    // A huge L2 is capped: the bucket sieve keeps offsets in 23 bits.
    [InlineData(64, 32768, 1, 64, 4096, 13_107, 4_194_304)]
    public void For_OtherCaches_GivesSaneSizes(int l1KiB, int l2KiB, int l2SharedBy, int blockKiB, int segmentKiB, int maxSmall, int maxMedium)
    {
        var tuning = PrimesTuning.For(new CpuCaches(l1KiB * KiB, l2KiB * KiB, l2SharedBy, "test"));

        Assert.Equal((blockKiB * KiB, segmentKiB * KiB, maxSmall, maxMedium), Sizes(tuning));
        Assert.True(tuning.BlockBytes <= tuning.SegmentBytes);
        Assert.Equal(tuning.SegmentBytes, 1 << tuning.SegmentShift);
    }

    [Fact]
    public void Current_IsDerivedFromThisMachinesCaches()
    {
        Assert.Equal(PrimesTuning.For(CpuCaches.Current), PrimesTuning.Current);
    }

    private static (int, int, int, int) Sizes(PrimesTuning tuning) =>
        (tuning.BlockBytes, tuning.SegmentBytes, tuning.MaxSmallPrime, tuning.MaxMediumPrime);
}
