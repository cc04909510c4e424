using Functions.Compute.HashSearch;

namespace Functions.Tests.Compute.HashSearch;

public sealed class HashSearchKernelTests
{
    [Theory]
    [InlineData("80", 0)]
    [InlineData("01", 7)]
    [InlineData("000f", 12)]
    [InlineData("00000000ff", 32)]
    [InlineData("0000000000000000000001", 87)]
    [InlineData("0000000000000000", 64)]
    public void LeadingZeroBits_KnownBytes_CountsThem(string hex, int expected)
    {
        var hash = new byte[32];
        Convert.FromHexString(hex).CopyTo(hash, 0);
        if (expected == 64) hash[^1] = 0; // all zero: every bit counts
        Assert.Equal(expected == 64 ? 256 : expected, HashSearchKernel.LeadingZeroBits(hash));
    }

    [Fact]
    public void Search_RangeWithoutHit_CountsEveryHash()
    {
        var prefix = "no hit here"u8.ToArray();
        var hits = Enumerable.Range(0, 100).Count(n => HashSearchKernel.LeadingZeroBits(HashSearchKernel.Hash(prefix, (ulong)n)) >= 32);
        Assert.Equal(0, hits);

        var partial = HashSearchKernel.Search(prefix, 32, 0, 100, new SearchBound(), CancellationToken.None);

        Assert.Equal(new HashSearchPartial(null, 100), partial);
    }

    [Fact]
    public void Search_Canceled_Throws()
    {
        Assert.Throws<OperationCanceledException>(() =>
            HashSearchKernel.Search("x"u8, 32, 0, 1 << 20, new SearchBound(), new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Search_Hit_LowersTheBoundToIt()
    {
        var bound = new SearchBound();

        var partial = HashSearchKernel.Search("azure"u8, 8, 0, 1 << 16, bound, CancellationToken.None);

        Assert.NotNull(partial.Nonce);
        Assert.Equal(partial.Nonce, bound.Lowest);
    }

    [Fact]
    public void Search_BoundBelowTheRange_StopsBeforeHashing()
    {
        var bound = new SearchBound();
        bound.Lower(5_000);

        Assert.Equal(new HashSearchPartial(null, 0), HashSearchKernel.Search("x"u8, 32, 10_000, 1 << 20, bound, CancellationToken.None));
    }

    [Fact]
    public void Search_BoundInsideTheRange_StopsSoonAfterPassingIt()
    {
        var bound = new SearchBound();
        bound.Lower(100_000);

        var partial = HashSearchKernel.Search("x"u8, 32, 0, 1 << 20, bound, CancellationToken.None);

        Assert.Null(partial.Nonce);
        Assert.InRange(partial.HashesComputed, 100_001, 100_000 + 1024);
    }

    [Fact]
    public void SearchBound_Lower_KeepsTheSmallest()
    {
        var bound = new SearchBound();
        Parallel.For(0, 10_000, i => bound.Lower((ulong)(10_000 - i) * 3));

        bound.Lower(100_000);

        Assert.Equal(3UL, bound.Lowest);
    }
}
