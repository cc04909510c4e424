using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class ChunkSplitTests
{
    private const long SegmentSpan = 30L * 256 * 1024;

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(SegmentSpan - 1)]
    [InlineData(SegmentSpan)]
    [InlineData(64 * SegmentSpan - 1)]
    [InlineData(128 * SegmentSpan)]
    [InlineData(10_000_000_000L)]
    [InlineData(123_456_789_012L)]
    [InlineData(10_000_000_000_000L)]
    public void Range_AllChunks_TileZeroToLimitOnSegmentBoundaries(long limit)
    {
        var split = new ChunkSplit(limit);

        var next = 0L;
        for (var i = 0; i < split.ChunkCount; i++)
        {
            var (low, high) = split.Range(i);
            Assert.Equal(next, low);
            Assert.Equal(0, low % SegmentSpan);
            Assert.True(high >= low, $"chunk {i} is empty");
            next = high + 1;
        }
        Assert.Equal(limit + 1, next);
    }

    [Theory]
    [InlineData(10_000_000_000L, 10, 40)]
    [InlineData(1_000_000_000_000L, 400, 600)]
    [InlineData(10_000_000_000_000L, 4_000, 6_000)]
    public void ChunkCount_ScalesWithTheLimit(long limit, int fewest, int most)
    {
        Assert.InRange(new ChunkSplit(limit).ChunkCount, fewest, most);
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(63 * SegmentSpan)]
    public void ChunkCount_BelowTheMinimumChunk_IsOne(long limit)
    {
        Assert.Equal(1, new ChunkSplit(limit).ChunkCount);
    }

    [Theory]
    [InlineData(200 * SegmentSpan)]
    [InlineData(10_000_000_000L)]
    [InlineData(10_000_000_000_000L)]
    public void SegmentsPerChunk_StaysWithinBounds(long limit)
    {
        Assert.InRange(new ChunkSplit(limit).SegmentsPerChunk, 64, 256);
    }
}
