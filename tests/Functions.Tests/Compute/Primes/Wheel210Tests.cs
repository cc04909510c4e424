using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class Wheel210Tests
{
    private static readonly int[] Residues30 = [1, 7, 11, 13, 17, 19, 23, 29];

    [Fact]
    public void Residues_AreThe48CoprimeTo210()
    {
        Assert.Equal(48, Wheel210.Residues.Length);
        Assert.All(Wheel210.Residues, m => Assert.True(m % 2 != 0 && m % 3 != 0 && m % 5 != 0 && m % 7 != 0));
    }

    [Theory]
    [InlineData(458_761L, 0L)]
    [InlineData(458_761L, 999_999_999_990L)]
    [InlineData(1_000_003L, 999_999_000_000L)]
    [InlineData(3_162_277L, 9_999_992_000_010L)]
    public void Steps_FromTheFirstMultiple_VisitEveryMultipleCoprimeTo210InOrder(long prime, long low)
    {
        var (offset, wheelIndex) = Wheel210.FirstMultiple(prime, low);

        var m = Math.Max(prime, (low + prime - 1) / prime);
        for (var visit = 0; visit < 500; visit++, m++)
        {
            while (!IsCoprimeTo210(m)) m++;
            var step = Wheel210.Steps[wheelIndex];
            Assert.Equal(prime * m / 30 - low / 30, offset);
            Assert.Equal((byte)~(1 << Array.IndexOf(Residues30, (int)(prime * m % 30))), (byte)step);
            offset += prime / 30 * (step >> 8 & 15) + (step >> 12 & 15);
            wheelIndex = (int)(step >> 16);
        }
    }

    private static bool IsCoprimeTo210(long m) => m % 2 != 0 && m % 3 != 0 && m % 5 != 0 && m % 7 != 0;
}
