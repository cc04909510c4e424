using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class PrimesCostModelTests
{
    [Theory]
    [InlineData(1_000_000_000L)]
    [InlineData(10_000_000_000L)]
    [InlineData(1_000_000_000_000L)]
    [InlineData(10_000_000_000_000L)]
    public void ChunkCost_LargeLimit_IsWithinTheChunkGranularity(long limit)
    {
        // Chunks should take about 0.01–1 s on one core: long enough to amortise setup, short enough to cancel.
        Assert.InRange(PrimesCostModel.ChunkCost(new ChunkSplit(limit)).TotalSeconds, 0.01, 1.0);
    }

    [Fact]
    public void ChunkCost_TinyLimit_IsTiny()
    {
        Assert.True(PrimesCostModel.ChunkCost(new ChunkSplit(1_000)) < TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void NanosecondsPerNumberNear_GrowsWithTheRange()
    {
        var previous = 0.0;
        for (var x = 10L; x <= 10_000_000_000_000L; x *= 10)
        {
            var cost = PrimesCostModel.NanosecondsPerNumberNear(x);
            Assert.True(cost >= previous, $"cost per number fell at {x}");
            previous = cost;
        }
        Assert.Equal(0.18, PrimesCostModel.NanosecondsPerNumberNear(10_000_000_000_000L), 3);
    }
}
