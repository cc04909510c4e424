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

        var partial = HashSearchKernel.Search(prefix, 32, 0, 100, CancellationToken.None);

        Assert.Equal(new HashSearchPartial(null, 100), partial);
    }

    [Fact]
    public void Search_Canceled_Throws()
    {
        Assert.Throws<OperationCanceledException>(() =>
            HashSearchKernel.Search("x"u8, 32, 0, 1 << 20, new CancellationToken(canceled: true)));
    }
}
