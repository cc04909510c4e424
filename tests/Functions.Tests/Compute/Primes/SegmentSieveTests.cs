using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class SegmentSieveTests
{
    private const long SegmentSpan = 30L * 256 * 1024;

    [Theory]
    [InlineData(64 * SegmentSpan, 0L)]
    [InlineData(64 * SegmentSpan, 1L)]
    [InlineData(64 * SegmentSpan, 29L)]
    [InlineData(64 * SegmentSpan, SegmentSpan - 1)]
    [InlineData(64 * SegmentSpan, SegmentSpan + 12_345L)]
    [InlineData(67 * SegmentSpan, 2 * SegmentSpan + 7)]
    public void CountPrimes_FromAChunkStart_MatchesReference(long low, long length)
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        Assert.Equal(ReferenceSieve.CountInRange(low, low + length), sieve.CountPrimes(low, low + length, CancellationToken.None));
    }

    [Theory]
    [InlineData(22_441L)]
    [InlineData(22_447L)]
    public void CountPrimes_FromAChunkStartToAroundAPrimeSquare_MatchesReference(long prime)
    {
        // 22433² < 64 · 30 · 256 Ki < 22441²: these primes join the sieve inside the chunk's first segment.
        var low = 64 * SegmentSpan;
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        for (var high = prime * prime - 1; high <= prime * prime + 1; high++)
            Assert.Equal(ReferenceSieve.CountInRange(low, high), sieve.CountPrimes(low, high, CancellationToken.None));
    }

    [Theory]
    [InlineData(1_000_000_000_000L)]
    [InlineData(10_000_000_000_000L)]
    public void CountPrimes_WithLargePrimesOverSeveralSegments_MatchesReference(long limit)
    {
        // Sieving primes up to √limit > 786432 use the bucket sieve; 4 segments move each bucket around its ring.
        var primes = new SievingPrimes(limit);
        Assert.True(primes.WheelCount < primes.Primes.Length, "expected large sieving primes");
        var low = limit - limit % SegmentSpan - 3 * SegmentSpan;
        var sieve = new SegmentSieve(primes);

        Assert.Equal(ReferenceSieve.CountInRange(low, limit), sieve.CountPrimes(low, limit, CancellationToken.None));
    }

    [Fact]
    public void CountPrimes_ReusedForAnotherRange_StartsFresh()
    {
        var sieve = new SegmentSieve(new SievingPrimes(1_000_000_000_000));
        var low = 999_000_000_000L / SegmentSpan * SegmentSpan;
        var first = sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None);

        sieve.CountPrimes(low - SegmentSpan * 5, low - 1, CancellationToken.None);

        Assert.Equal(first, sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None));
    }

    [Fact]
    public void CountPrimes_Canceled_Throws()
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000));

        Assert.Throws<OperationCanceledException>(() => sieve.CountPrimes(0, 10_000_000_000, new CancellationToken(canceled: true)));
    }
}
