using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class SegmentSieveTests
{
    private const long SegmentSpan = 30L * 1024 * 1024;

    [Theory]
    [InlineData(64 * SegmentSpan, 0L)]
    [InlineData(64 * SegmentSpan, 1L)]
    [InlineData(64 * SegmentSpan, 29L)]
    [InlineData(64 * SegmentSpan, SegmentSpan - 1)]
    [InlineData(64 * SegmentSpan, SegmentSpan + 12_345L)]
    [InlineData(67 * SegmentSpan, SegmentSpan / 2 + 7)]
    public void CountPrimes_FromAChunkStart_MatchesReference(long low, long length)
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        Assert.Equal(ReferenceSieve.CountInRange(low, low + length), sieve.CountPrimes(low, low + length, CancellationToken.None));
    }

    [Theory]
    [InlineData(44_879L)]
    [InlineData(44_887L)]
    public void CountPrimes_FromAChunkStartToAroundAPrimeSquare_MatchesReference(long prime)
    {
        // 44867² < 64 · 30 · 1 Mi < 44879²: these primes join the sieve inside the chunk's first segment.
        var low = 64 * SegmentSpan;
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        for (var high = prime * prime - 1; high <= prime * prime + 1; high++)
            Assert.Equal(ReferenceSieve.CountInRange(low, high), sieve.CountPrimes(low, high, CancellationToken.None));
    }

    [Theory]
    [InlineData(4_000_000_000_000L)]
    [InlineData(10_000_000_000_000L)]
    public void CountPrimes_WithLargePrimes_MatchesReference(long limit)
    {
        // Sieving primes up to √limit > 1.8 million use the bucket sieve.
        var primes = new SievingPrimes(limit);
        Assert.True(primes.WheelCount < primes.Primes.Length, "expected large sieving primes");
        var low = limit - limit % SegmentSpan - SegmentSpan / 2;
        var sieve = new SegmentSieve(primes);

        Assert.Equal(ReferenceSieve.CountInRange(low, limit), sieve.CountPrimes(low, limit, CancellationToken.None));
    }

    [Theory]
    [InlineData(4_000_000_000_000L, 3_877_149L)]
    [InlineData(10_000_000_000_000L, 3_612_551L)]
    public void CountPrimes_WithLargePrimesOverSeveralSegments_MatchesPrimesieve(long limit, long expected)
    {
        // Over 3+ segments every bucket list of the ring is filled and emptied; the counts are from primesieve 11.
        var low = limit - limit % SegmentSpan - 3 * SegmentSpan;

        Assert.Equal(expected, new SegmentSieve(new SievingPrimes(limit)).CountPrimes(low, limit, CancellationToken.None));
    }

    [Fact]
    public void CountPrimes_ReusedForAnotherRange_StartsFresh()
    {
        var sieve = new SegmentSieve(new SievingPrimes(1_000_000_000_000));
        var low = 999_000_000_000L / SegmentSpan * SegmentSpan;
        var first = sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None);

        sieve.CountPrimes(low - SegmentSpan * 3, low - 1, CancellationToken.None);

        Assert.Equal(first, sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None));
    }

    [Fact]
    public void CountPrimes_Canceled_Throws()
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        Assert.Throws<OperationCanceledException>(() => sieve.CountPrimes(0, 10_000_000_000, new CancellationToken(canceled: true)));
    }
}
