using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class PreSieveTests
{
    private static readonly int[] Residues = [1, 7, 11, 13, 17, 19, 23, 29];

    [Theory]
    [InlineData(0L, 100)]
    [InlineData(5_957L * 3 - 7, 40_000)]
    [InlineData(333_333_333_333L, 32_768)]
    public void Apply_AnyBlock_KeepsExactlyTheNumbersWithoutPrimeFactorsUpTo163(long firstByte, int length)
    {
        var block = new byte[length];

        PreSieve.Apply(block, firstByte);

        var small = ReferenceSieve.PrimesUpTo(163).Where(p => p >= 7).ToArray();
        for (var k = 0; k < length; k++)
        {
            for (var j = 0; j < 8; j++)
            {
                var n = 30 * (firstByte + k) + Residues[j];
                var expected = small.All(p => n % p != 0);
                Assert.True(expected == ((block[k] >> j & 1) == 1), $"number {n}");
            }
        }
    }
}
