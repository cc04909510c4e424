using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class ChunkSplitTests
{
    private const long UnitSpan = 30L * ChunkSplit.UnitBytes;

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(UnitSpan - 1)]
    [InlineData(UnitSpan)]
    [InlineData(4 * UnitSpan - 1)]
    [InlineData(8 * UnitSpan)]
    [InlineData(129 * 32 * UnitSpan + 5)]
    [InlineData(10_000_000_000L)]
    [InlineData(123_456_789_012L)]
    [InlineData(10_000_000_000_000L)]
    public void Range_AllChunks_TileZeroToLimitOnUnitBoundaries(long limit)
    {
        var split = new ChunkSplit(limit);

        var next = 0L;
        for (var i = 0; i < split.ChunkCount; i++)
        {
            var (low, high) = split.Range(i);
            Assert.Equal(next, low);
            Assert.Equal(0, low % UnitSpan);
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
    [InlineData(7 * UnitSpan - 1)]
    public void ChunkCount_BelowTwoMinimumChunks_IsOne(long limit)
    {
        Assert.Equal(1, new ChunkSplit(limit).ChunkCount);
    }

    [Theory]
    [InlineData(8 * UnitSpan)]
    [InlineData(200 * UnitSpan)]
    [InlineData(10_000_000_000L)]
    [InlineData(123_456_789_012L)]
    [InlineData(10_000_000_000_000L)]
    public void UnitsPerChunk_StaysWithinBounds(long limit)
    {
        Assert.InRange(new ChunkSplit(limit).UnitsPerChunk, 4, 32);
    }
}
