using Functions.Compute;

namespace Functions.Tests.Compute;

public sealed class RangePlanTests
{
    [Theory]
    [InlineData(10, 4)]
    [InlineData(10, 5)]
    [InlineData(7, 3)]
    [InlineData(1, 1)]
    [InlineData(149, 3)]
    public void Bounds_CoverEveryChunkOnceInOrder_NoRangeEmpty(int chunks, int ranges)
    {
        var plan = new RangePlan(chunks, ranges);

        var bounds = Enumerable.Range(0, ranges).Select(plan.Bounds).ToList();

        Assert.Equal(Enumerable.Range(0, chunks), bounds.SelectMany(b => Enumerable.Range(b.First, b.End - b.First)));
        Assert.All(bounds, b => Assert.True(b.End > b.First));
    }

    [Fact]
    public void For_TakesAsManyChunksPerRangeAsFitTheBudgetOnEveryThread()
    {
        var plan = new FixedPlan(ChunkCount: 100, ChunkCost: TimeSpan.FromSeconds(1));

        Assert.Equal(new RangePlan(100, 5), RangePlan.For(plan, TimeSpan.FromSeconds(10), threads: 2));
        Assert.Equal(new RangePlan(100, 1), RangePlan.For(plan, TimeSpan.FromSeconds(60), threads: 2));
        Assert.Equal(new RangePlan(100, 100), RangePlan.For(plan, TimeSpan.FromMilliseconds(100), threads: 2));
    }

    [Theory]
    [InlineData(100, 20, 5)]
    [InlineData(10, 7, 2)]
    [InlineData(10, 1, 10)]
    [InlineData(10, 1000, 1)]
    public void Split_TakesAsFewRangesAsHoldAtMostThatManyChunksEach(int chunks, long chunksPerRange, int ranges)
    {
        var plan = RangePlan.Split(chunks, chunksPerRange);

        Assert.Equal(new RangePlan(chunks, ranges), plan);
        Assert.All(Enumerable.Range(0, ranges).Select(plan.Bounds), b => Assert.InRange(b.End - b.First, 1, chunksPerRange));
    }

    [Fact]
    public void Decisive_StopsAfterThePartThatEndsTheSearch()
    {
        var (parts, complete) = RangePlan.NeededParts(["a", "b!", "c", null], part => part.EndsWith('!'));

        Assert.Equal(["a", "b!"], parts);
        Assert.True(complete);
    }

    [Fact]
    public void Decisive_PartMissingBeforeTheEnd_IsNotComplete()
    {
        var (parts, complete) = RangePlan.NeededParts(["a", null, "c!"], part => part.EndsWith('!'));

        Assert.Equal(["a"], parts);
        Assert.False(complete);
    }

    [Fact]
    public void Decisive_NoSearch_TakesEveryPart()
    {
        var (parts, complete) = RangePlan.NeededParts(["a", "b", "c"], _ => false);

        Assert.Equal(["a", "b", "c"], parts);
        Assert.True(complete);
    }

    private sealed record FixedPlan(int ChunkCount, TimeSpan ChunkCost) : IComputePlan
    {
        public BinaryData ComputeChunk(int index, CancellationToken cancellationToken) => throw new NotSupportedException();

        public bool EndsSearch(BinaryData partial) => false;

        public BinaryData Reduce(IReadOnlyList<BinaryData> partials) => throw new NotSupportedException();

        public ComputeOutput Complete(BinaryData partial) => throw new NotSupportedException();
    }
}
