using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class ChunkSplitTests
{
    private const long SegmentSpan = 30L * 1024 * 1024;

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(SegmentSpan - 1)]
    [InlineData(SegmentSpan)]
    [InlineData(4 * SegmentSpan - 1)]
    [InlineData(8 * SegmentSpan)]
    [InlineData(129 * 32 * SegmentSpan + 5)]
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
    [InlineData(1_000_000_000L, 8)]
    [InlineData(10_000_000_000L, 64)]
    [InlineData(1_000_000_000_000L, 994)]
    [InlineData(10_000_000_000_000L, 9_935)]
    public void ChunkCount_GrowsWithTheLimitWithinChunkSizeBounds(long limit, int expected)
    {
        Assert.Equal(expected, new ChunkSplit(limit).ChunkCount);
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(7 * SegmentSpan - 1)]
    public void ChunkCount_BelowTwoMinimumChunks_IsOne(long limit)
    {
        Assert.Equal(1, new ChunkSplit(limit).ChunkCount);
    }

    [Theory]
    [InlineData(8 * SegmentSpan)]
    [InlineData(200 * SegmentSpan)]
    [InlineData(10_000_000_000L)]
    [InlineData(123_456_789_012L)]
    [InlineData(10_000_000_000_000L)]
    public void SegmentsPerChunk_StaysWithinBounds(long limit)
    {
        Assert.InRange(new ChunkSplit(limit).SegmentsPerChunk, 4, 32);
    }
}
