using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.HashSearch;

namespace Functions.Tests.Compute.HashSearch;

public sealed class HashSearchPlanTests
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("azure functions ⚡");

    public static TheoryData<int> SmallDifficulties => new(Enumerable.Range(1, 12));

    [Theory]
    [MemberData(nameof(SmallDifficulties))]
    public void Run_SmallDifficulty_FindsTheSmallestNonceBruteForceFinds(int difficulty)
    {
        var output = PlanRunner.RunSequential(new HashSearchPlan(Prefix, difficulty)).Value;

        Assert.True(output.GetProperty("found").GetBoolean());
        Assert.Equal(BruteForce(Prefix, difficulty), output.GetProperty("nonce").GetUInt64());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(14)]
    [InlineData(16)]
    public void Complete_Hit_ReportsAHashThatVerifies(int difficulty)
    {
        var output = PlanRunner.RunSequential(new HashSearchPlan(Prefix, difficulty)).Value;

        var nonce = output.GetProperty("nonce").GetUInt64();
        var message = new byte[Prefix.Length + 8];
        Prefix.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(Prefix.Length), nonce);
        var hash = SHA256.HashData(message);
        Assert.Equal(Convert.ToHexStringLower(hash), output.GetProperty("hash").GetString());
        Assert.True(ZeroBits(hash) >= difficulty);
        Assert.Equal(ZeroBits(hash), output.GetProperty("leadingZeroBits").GetInt32());
        Assert.Equal(difficulty, output.GetProperty("difficulty").GetInt32());
        Assert.Equal((long)nonce + 1, output.GetProperty("hashesComputed").GetInt64());
    }

    [Theory]
    [InlineData("a", 12)]
    [InlineData("b", 13)]
    [InlineData("", 11)]
    public async Task Run_ParallelInRanges_SameNonceAsBruteForce(string prefix, int difficulty)
    {
        // Tiny chunks put the hit dozens of chunks in, so the threads race past it and ranges end mid-way.
        var bytes = Encoding.UTF8.GetBytes(prefix);
        var plan = new HashSearchPlan(bytes, difficulty, chunkSize: 64, chunkCount: 1 << 16);
        using var executor = new ComputeExecutor(2);

        var output = (await PlanRunner.RunParallelAsync(plan, executor, chunksPerRange: 7)).Value;

        var expected = BruteForce(bytes, difficulty);
        Assert.True(expected >= 64 * 7, "the hit should lie beyond the first range");
        Assert.Equal(expected, output.GetProperty("nonce").GetUInt64());
        Assert.Equal(PlanRunner.RunSequential(plan).Value.GetRawText(), output.GetRawText());
    }

    [Fact]
    public void Compute_ChunkPastAHitThisPlanFound_StopsAtOnce()
    {
        // Chunks of 64 hashes at difficulty 12: the first hit lies dozens of chunks in.
        var plan = new HashSearchPlan(Prefix, 12, chunkSize: 64, chunkCount: 1 << 16);
        var hitChunk = Enumerable.Range(0, plan.ChunkCount).First(i => plan.Compute(i, CancellationToken.None).Nonce is not null);

        var past = plan.Compute(hitChunk + 1, CancellationToken.None);
        var before = plan.Compute(hitChunk - 1, CancellationToken.None);

        Assert.True(hitChunk > 0, "the hit should not lie in the first chunk");
        Assert.Equal(new HashSearchPartial(null, 0), past);
        Assert.Equal(new HashSearchPartial(null, 64), before);
    }

    [Fact]
    public async Task Run_EveryStartedChunkReducedAsTheAppDoes_HashesComputedIsTheNoncesUpToTheAnswer()
    {
        // The app reduces every chunk that ran, those started past the hit too, and they may have stopped anywhere.
        IComputePlan plan = new HashSearchPlan(Prefix, 14, chunkSize: 1 << 10, chunkCount: 1 << 12);
        using var executor = new ComputeExecutor(2);

        var partials = await executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, CancellationToken.None), plan.EndsSearch, CancellationToken.None);
        var output = plan.Complete(plan.Reduce(partials.TakeWhile(p => p is not null).Cast<BinaryData>().ToList())).Value;

        Assert.Equal(BruteForce(Prefix, 14), output.GetProperty("nonce").GetUInt64());
        Assert.Equal(output.GetProperty("nonce").GetInt64() + 1, output.GetProperty("hashesComputed").GetInt64());
    }

    [Fact]
    public void Complete_NoHitInRange_ReportsNotFound()
    {
        var plan = new HashSearchPlan(Prefix, 32, chunkSize: 16, chunkCount: 2);
        Assert.True(BruteForce(Prefix, 32, limit: 32) is null);

        var output = PlanRunner.RunSequential(plan).Value;

        Assert.False(output.GetProperty("found").GetBoolean());
        Assert.Equal(32UL, output.GetProperty("noncesSearched").GetUInt64());
        Assert.Equal(32, output.GetProperty("hashesComputed").GetInt64());
        Assert.False(output.TryGetProperty("nonce", out _));
    }

    [Fact]
    public void Combine_EarlierHit_IsTheAnswerAndCountsOnlyTheHashesUpToIt()
    {
        var plan = new HashSearchPlan(Prefix, 20);

        Assert.Equal(new HashSearchPartial(500, 10), plan.Combine(new(500, 10), new(3, 20)));
        Assert.Equal(new HashSearchPartial(500, 10), plan.Combine(new(500, 10), new(null, 7)));
        Assert.Equal(new HashSearchPartial(3, 30), plan.Combine(new(null, 10), new(3, 20)));
        Assert.True(plan.EndsSearch(new(7, 8)));
        Assert.False(plan.EndsSearch(new(null, 8)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(20)]
    [InlineData(32)]
    public void Plan_AnyDifficulty_CoversManyTimesTheExpectedWorkInSmallChunks(int difficulty)
    {
        var plan = new HashSearchPlan(Prefix, difficulty);

        Assert.True((double)plan.ChunkCount * plan.ChunkSize >= 64 * Math.Pow(2, difficulty));
        Assert.InRange(plan.ChunkSize, 1 << HashSearchPlan.MinChunkBits, 1 << HashSearchPlan.MaxChunkBits);
        Assert.InRange(plan.ChunkCost, TimeSpan.FromMilliseconds(0.5), TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public void ChunkCost_LongPrefix_Higher()
    {
        var shortPrefix = new HashSearchPlan([1], 20);
        var longPrefix = new HashSearchPlan(new byte[768], 20);

        Assert.True(longPrefix.ChunkCost > shortPrefix.ChunkCost * 1.5);
    }

    [Fact]
    public void Serialize_Partial_RoundTrips()
    {
        var plan = new HashSearchPlan(Prefix, 20);
        var partial = new HashSearchPartial(ulong.MaxValue - 1, long.MaxValue);

        Assert.Equal(partial, plan.Deserialize(plan.Serialize(partial)));
    }

    private static ulong? BruteForce(byte[] prefix, int difficulty, ulong limit = ulong.MaxValue)
    {
        var message = new byte[prefix.Length + 8];
        prefix.CopyTo(message, 0);
        for (ulong nonce = 0; nonce < limit; nonce++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(prefix.Length), nonce);
            if (ZeroBits(SHA256.HashData(message)) >= difficulty) return nonce;
        }
        return null;
    }

    /// <summary>An independent count: bit by bit, most significant first.</summary>
    private static int ZeroBits(byte[] hash)
    {
        var bits = 0;
        while (bits < hash.Length * 8 && (hash[bits / 8] & (0x80 >> (bits % 8))) == 0) bits++;
        return bits;
    }
}
