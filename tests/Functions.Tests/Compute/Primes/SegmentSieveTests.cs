using Functions.Compute.Primes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Compute.Primes;

[Trait("Category", TestCategories.Slow)]
public sealed class SegmentSieveTests
{
    private const long SegmentSpan = 30L * 1024 * 1024;

    /// <summary>1 MiB segments at every limit, so the edges below are segment edges on every machine.</summary>
    private static readonly PrimesTuning Tuning = TestTunings.For("today", 0);

    [Theory]
    [InlineData(64 * SegmentSpan, 0L)]
    [InlineData(64 * SegmentSpan, 1L)]
    [InlineData(64 * SegmentSpan, 29L)]
    [InlineData(64 * SegmentSpan, SegmentSpan - 1)]
    [InlineData(64 * SegmentSpan, SegmentSpan + 12_345L)]
    [InlineData(67 * SegmentSpan, SegmentSpan / 2 + 7)]
    public void CountPrimes_FromAChunkStart_MatchesReference(long low, long length)
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000, Tuning));

        Assert.Equal(ReferenceSieve.CountInRange(low, low + length), sieve.CountPrimes(low, low + length, CancellationToken.None));
    }

    [Theory]
    [InlineData(44_879L)]
    [InlineData(44_887L)]
    public void CountPrimes_FromAChunkStartToAroundAPrimeSquare_MatchesReference(long prime)
    {
        // 44867² < 64 · 30 · 1 Mi < 44879²: these primes join the sieve inside the chunk's first segment.
        var low = 64 * SegmentSpan;
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000, Tuning));

        for (var high = prime * prime - 1; high <= prime * prime + 1; high++)
            Assert.Equal(ReferenceSieve.CountInRange(low, high), sieve.CountPrimes(low, high, CancellationToken.None));
    }

    [Theory]
    [InlineData(4_000_000_000_000L)]
    [InlineData(10_000_000_000_000L)]
    public void CountPrimes_WithLargePrimes_MatchesReference(long limit)
    {
        // Sieving primes up to √limit > 1 Mi use the bucket sieve.
        var primes = new SievingPrimes(limit, Tuning);
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

        Assert.Equal(expected, new SegmentSieve(new SievingPrimes(limit, Tuning)).CountPrimes(low, limit, CancellationToken.None));
    }

    [Theory]
    [InlineData("48K/2M", 4_000_000_000_000L, 3_877_149L)]
    [InlineData("48K/2M", 10_000_000_000_000L, 3_612_551L)]
    [InlineData("32K/512K", 4_000_000_000_000L, 3_877_149L)]
    [InlineData("32K/512K", 10_000_000_000_000L, 3_612_551L)]
    [InlineData("48K/1M", 10_000_000_000_000L, 3_612_551L)]
    [InlineData("36K/128K", 10_000_000_000_000L, 3_612_551L)]
    public void CountPrimes_OtherMachinesTunings_MatchPrimesieve(string tuning, long limit, long expected)
    {
        // The same ranges as above under the sizes other caches give at these limits: 4 MiB and 2 MiB segments (ranges
        // that do not start on a segment edge), 1 MiB and 256 KiB (buckets over more segments), odd blocks.
        var low = limit - limit % SegmentSpan - 3 * SegmentSpan;

        Assert.Equal(expected, new SegmentSieve(new SievingPrimes(limit, TestTunings.For(tuning, limit))).CountPrimes(low, limit, CancellationToken.None));
    }

    [Theory]
    [InlineData("48K/2M")]
    [InlineData("32K/512K")]
    [InlineData("36K/128K")]
    public void CountPrimes_OtherMachinesTunings_AroundTheirSegmentAndBlockEdges_MatchReference(string name)
    {
        // The count up to just before each edge is from 1 MiB segments (checked against the reference above), whose
        // edges lie elsewhere; the window across the edge is checked with the reference sieve.
        var tuning = TestTunings.For(name, 10_000_000_000);
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000, tuning));
        var today = new SegmentSieve(new SievingPrimes(10_000_000_000, Tuning));
        var low = 64 * SegmentSpan;
        foreach (var edge in new[] { tuning.BlockBytes, tuning.SegmentBytes })
        {
            var edgeNumber = low + 30L * edge;
            var below = today.CountPrimes(low, edgeNumber - 32, CancellationToken.None);
            for (var high = edgeNumber - 31; high <= edgeNumber + 31; high += 4)
                Assert.Equal(below + ReferenceSieve.CountInRange(edgeNumber - 31, high), sieve.CountPrimes(low, high, CancellationToken.None));
        }
    }

    [Fact]
    public void CountPrimes_ReusedForAnotherRange_StartsFresh()
    {
        var sieve = new SegmentSieve(new SievingPrimes(1_000_000_000_000, Tuning));
        var low = 999_000_000_000L / SegmentSpan * SegmentSpan;
        var first = sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None);

        sieve.CountPrimes(low - SegmentSpan * 3, low - 1, CancellationToken.None);

        Assert.Equal(first, sieve.CountPrimes(low, low + SegmentSpan * 2, CancellationToken.None));
    }

    [Fact]
    public void CountPrimes_Canceled_Throws()
    {
        var sieve = new SegmentSieve(new SievingPrimes(10_000_000_000, Tuning));

        Assert.Throws<OperationCanceledException>(() => sieve.CountPrimes(0, 10_000_000_000, new CancellationToken(canceled: true)));
    }
}
