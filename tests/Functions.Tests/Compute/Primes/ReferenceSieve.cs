using System.Collections;

namespace Functions.Tests.Compute.Primes;

/// <summary>A deliberately plain sieve of Eratosthenes to check the kernel against: one bit per number, no wheel.</summary>
internal static class ReferenceSieve
{
    /// <summary>The primes ≤ <paramref name="max"/>.</summary>
    public static List<long> PrimesUpTo(long max)
    {
        var primes = new List<long>();
        if (max < 2) return primes;
        var composite = new BitArray((int)max + 1);
        for (long n = 2; n <= max; n++)
        {
            if (composite[(int)n]) continue;
            primes.Add(n);
            for (var m = n * n; m <= max; m += n) composite[(int)m] = true;
        }
        return primes;
    }

    /// <summary>How many primes lie in [<paramref name="low"/>, <paramref name="high"/>], by sieving that window only.</summary>
    public static long CountInRange(long low, long high)
    {
        if (high < Math.Max(low, 2)) return 0;
        low = Math.Max(low, 2);
        var composite = new BitArray((int)(high - low + 1));
        foreach (var p in PrimesUpTo((long)Math.Sqrt(high) + 1))
        {
            for (var m = Math.Max(p * p, (low + p - 1) / p * p); m <= high; m += p) composite[(int)(m - low)] = true;
        }
        long count = 0;
        for (var i = 0; i < composite.Length; i++) if (!composite[i]) count++;
        return count;
    }

    /// <summary>π(n) for every n ≤ <paramref name="max"/>.</summary>
    public static int[] PrimeCounts(int max)
    {
        var counts = new int[max + 1];
        var composite = new BitArray(max + 1);
        var count = 0;
        for (var n = 2; n <= max; n++)
        {
            if (!composite[n])
            {
                count++;
                for (var m = (long)n * n; m <= max; m += n) composite[(int)m] = true;
            }
            counts[n] = count;
        }
        return counts;
    }
}
