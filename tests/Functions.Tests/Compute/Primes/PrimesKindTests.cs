using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Primes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Compute.Primes;

[Trait("Category", TestCategories.Slow)]
public sealed class PrimesKindTests
{
    private static readonly PrimesKind Kind = new();

    [Theory]
    [InlineData(10L, 4L)]
    [InlineData(100L, 25L)]
    [InlineData(1_000L, 168L)]
    [InlineData(10_000L, 1_229L)]
    [InlineData(100_000L, 9_592L)]
    [InlineData(1_000_000L, 78_498L)]
    [InlineData(10_000_000L, 664_579L)]
    [InlineData(100_000_000L, 5_761_455L)]
    [InlineData(1_000_000_000L, 50_847_534L)]
    [InlineData(10_000_000_000L, 455_052_511L)]
    public async Task Plan_PowerOfTen_CountsPrimesUpToIt(long limit, long expected)
    {
        var plan = Kind.Plan(Input(limit));

        using var executor = new ComputeExecutor(2);
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), null, CancellationToken.None);

        Assert.Equal(expected, Count(plan.Complete(plan.Reduce(partials!))));
    }

    [Theory]
    [InlineData("today")]
    [InlineData("48K/2M")]
    [InlineData("32K/512K")]
    [InlineData("36K/128K")]
    public async Task Plan_OtherMachinesTunings_CountPrimesUpTo10To9(string tuning)
    {
        var plan = new PrimesPlan(1_000_000_000, TestTunings.For(tuning, 1_000_000_000));

        using var executor = new ComputeExecutor(2);
        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => ((IComputePlan)plan).ComputeChunk(i, CancellationToken.None), null, CancellationToken.None);

        Assert.Equal(50_847_534L, Count(((IComputePlan)plan).Complete(((IComputePlan)plan).Reduce(partials!))));
    }

    [Fact]
    public void Plan_ChunksAreTheSameOnEveryMachine()
    {
        // Each instance that takes a range of a fanned-out job plans it again, perhaps with other caches: the same chunk
        // must hold the same numbers, so its partial count must not depend on the tuning.
        const long limit = 20_000_000_123;
        IComputePlan here = new PrimesPlan(limit, TestTunings.For("48K/2M", limit));
        IComputePlan there = new PrimesPlan(limit, TestTunings.For("32K/512K", limit));

        Assert.Equal(here.ChunkCount, there.ChunkCount);
        Assert.Equal(here.ChunkCost, there.ChunkCost);
        foreach (var chunk in new[] { 1, here.ChunkCount - 1 })
            Assert.Equal(Count(here.Complete(here.ComputeChunk(chunk, CancellationToken.None))), Count(there.Complete(there.ComputeChunk(chunk, CancellationToken.None))));
    }

    [Fact]
    public async Task Plan_ParallelAndSequential_Agree()
    {
        var plan = Kind.Plan(Input(1_600_000_009));
        Assert.True(plan.ChunkCount >= 3, $"expected several chunks, got {plan.ChunkCount}");

        using var executor = new ComputeExecutor(3);
        var parallel = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), null, CancellationToken.None);
        var sequential = Enumerable.Range(0, plan.ChunkCount).Select(i => plan.ComputeChunk(i, CancellationToken.None)).ToList();
        // The app reduces each invocation's range of chunks, then the ranges' partials in order.
        var half = plan.ChunkCount / 2;
        var byRanges = plan.Reduce([plan.Reduce(sequential.Take(half).ToList()), plan.Reduce(sequential.Skip(half).ToList())]);

        Assert.Equal(79_451_834L, Count(plan.Complete(plan.Reduce(parallel!))));
        Assert.Equal(79_451_834L, Count(plan.Complete(byRanges)));
    }

    [Fact]
    public void Plan_SmallLimits_MatchReference()
    {
        var expected = ReferenceSieve.PrimeCounts(2_000);
        for (var limit = 0; limit <= 2_000; limit++)
            Assert.True(expected[limit] == RunSequentially(limit), $"π({limit})");
    }

    [Theory]
    [InlineData(1, 1_942_382L)]
    [InlineData(2, 3_724_577L)]
    [InlineData(3, 5_455_378L)]
    public void Plan_LimitsAroundSegmentEdge_MatchReference(int segment, long primesUpToEdgeMinus32)
    {
        // A 1 MiB chunk-grid unit spans 30 · 1 Mi numbers, and so do 1 MiB segments (a whole number of smaller ones);
        // the limit's last byte, first byte and the bytes around both move here.
        // π(edge − 32) is from primesieve 11; the window around the edge is checked with the reference sieve.
        var edge = segment * 30L * 1024 * 1024;
        for (var limit = edge - 31; limit <= edge + 31; limit++)
        {
            var expected = primesUpToEdgeMinus32 + ReferenceSieve.CountInRange(edge - 31, limit);
            Assert.True(expected == RunSequentially(limit), $"π({limit})");
        }
    }

    [Theory]
    [InlineData(5_591L, 1_930_914L)]
    [InlineData(5_623L, 1_951_682L)]
    [InlineData(7_927L, 3_720_273L)]
    [InlineData(7_933L, 3_725_573L)]
    public void Plan_LimitsAroundPrimeSquares_MatchReference(long prime, long primesUpToSquareMinus3)
    {
        // 5591² < 30 · 1 Mi < 5623² and 7927² < 2 · 30 · 1 Mi < 7933²: with segments of 1 MiB or less these primes join
        // the sieve at a segment edge.
        // π(p² − 3) is from primesieve 11.
        var square = prime * prime;
        for (var limit = square - 2; limit <= square + 2; limit++)
            Assert.Equal(primesUpToSquareMinus3 + ReferenceSieve.CountInRange(square - 2, limit), RunSequentially(limit));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"limit":null}""")]
    [InlineData("""{"limit":-1}""")]
    [InlineData("""{"limit":10000000000001}""")]
    [InlineData("""{"limit":1.5}""")]
    [InlineData("""{"limit":"100"}""")]
    [InlineData("""{"limit":true}""")]
    public void Plan_InvalidLimit_ThrowsNamingTheField(string input)
    {
        var error = Assert.Throws<InvalidInputException>(() => Kind.Plan(JsonDocument.Parse(input).RootElement));

        Assert.Equal("input.limit", error.Field);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(10_000_000_000_000L)]
    public void Plan_LimitAtBounds_IsAccepted(long limit)
    {
        var plan = Kind.Plan(Input(limit));

        Assert.InRange(plan.ChunkCount, 1, 100_000);
        Assert.True(plan.ChunkCost > TimeSpan.Zero);
    }

    [Fact]
    public void Description_NamesTheLimitField()
    {
        Assert.Equal("primes", Kind.Name);
        var field = Assert.Single(Kind.Description.Input);
        Assert.Equal(("limit", "integer", 0.0, 1e13), (field.Name, field.Type, field.Minimum, field.Maximum));
    }

    private static JsonElement Input(long limit) => JsonSerializer.SerializeToElement(new { limit });

    private static long RunSequentially(long limit)
    {
        var plan = Kind.Plan(Input(limit));
        var partials = Enumerable.Range(0, plan.ChunkCount).Select(i => plan.ComputeChunk(i, CancellationToken.None)).ToList();
        return Count(plan.Complete(plan.Reduce(partials)));
    }

    private static long Count(ComputeOutput output) => output.Value.GetProperty("count").GetInt64();
}
