using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class Wheel30Tests
{
    private static readonly int[] Residues = [1, 7, 11, 13, 17, 19, 23, 29];

    [Fact]
    public void Tables_MatchTheirDefinition()
    {
        for (var c = 0; c < 8; c++)
        {
            for (var j = 0; j < 8; j++)
            {
                int r = Residues[c], m = Residues[j], next = j < 7 ? Residues[j + 1] : 31;
                var w = c * 8 + j;
                Assert.Equal((byte)~(1 << Array.IndexOf(Residues, r * m % 30)), Wheel30.Masks[w]);
                Assert.Equal(r * next / 30 - r * m / 30, Wheel30.Carries[w]);
                Assert.Equal(r * m / 30, Wheel30.TurnOffsets[w]);
                Assert.Equal(next - m, Wheel30.Gaps[j]);
            }
        }
        for (var n = 0; n < 30; n++)
        {
            Assert.Equal(Array.IndexOf(Residues, n) is var i && i >= 0 ? i : 255, Wheel30.BitIndex[n]);
            var coprime = n;
            while (Array.IndexOf(Residues, coprime % 30) < 0) coprime++;
            Assert.Equal(coprime - n, Wheel30.ToCoprime[n]);
        }
    }

    [Theory]
    [InlineData(167L, 0L)]
    [InlineData(167L, 27_870L)]
    [InlineData(173L, 1_000_000_020L)]
    [InlineData(3_162_259L, 9_999_992_000_010L)]
    [InlineData(786_433L, 7_864_320L * 1_000L)]
    public void FirstMultiple_IsTheSmallestWheelMultipleFromPrimeSquaredAndLow(long prime, long low)
    {
        var (offset, wheelIndex) = Wheel30.FirstMultiple(prime, low);

        var expected = Math.Max(prime * prime, low);
        while (expected % prime != 0 || Array.IndexOf(Residues, (int)(expected % 30)) < 0) expected++;
        Assert.Equal(expected / 30 - low / 30, offset);
        Assert.Equal(Array.IndexOf(Residues, (int)(prime % 30)) * 8 + Array.IndexOf(Residues, (int)(expected / prime % 30)), wheelIndex);
    }
}
