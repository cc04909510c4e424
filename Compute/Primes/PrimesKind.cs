using System.Text.Json;

namespace Functions.Compute.Primes;

/// <summary>primes: counts the primes ≤ limit with a segmented sieve, parallel over segments.</summary>
public sealed class PrimesKind : IComputeKind
{
    public const long MaxLimit = 10_000_000_000_000;

    public string Name => "primes";

    public KindDescription Description { get; } = new(
        "primes",
        "Counts the primes less than or equal to limit.",
        [new InputField("limit", "integer", "Count the primes ≤ limit.", Minimum: 0, Maximum: MaxLimit)],
        new { limit = 10_000_000_000 });

    public IComputePlan Plan(JsonElement input) => new PrimesPlan(JobInput.Integer(input, "limit", 0, MaxLimit));
}

public sealed record PrimeCount(long Count);

internal sealed class PrimesPlan : ComputePlan<PrimeCount>
{
    private const long ChunkSpan = 1L << 26;
    private readonly long _limit;
    private readonly Lazy<int[]> _sievingPrimes;

    public PrimesPlan(long limit)
    {
        _limit = limit;
        ChunkCount = (int)Math.Max(1, (limit + ChunkSpan) / ChunkSpan);
        _sievingPrimes = new(() => SmallPrimes((int)Math.Sqrt(limit) + 1));
    }

    public override int ChunkCount { get; }

    public override TimeSpan ChunkCost => TimeSpan.FromSeconds(0.2);

    public override PrimeCount Compute(int index, CancellationToken cancellationToken)
    {
        var low = index * ChunkSpan;
        var high = Math.Min(_limit, low + ChunkSpan - 1);
        if (low > high) return new PrimeCount(0);
        var count = 0L;
        var segment = new bool[high - low + 1];
        foreach (var p in _sievingPrimes.Value)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Math.Max((long)p * p, (low + p - 1) / p * p);
            for (var m = start; m <= high; m += p) segment[m - low] = true;
        }
        for (var n = Math.Max(2, low); n <= high; n++) if (!segment[n - low]) count++;
        return new PrimeCount(count);
    }

    public override PrimeCount Combine(PrimeCount earlier, PrimeCount later) => new(earlier.Count + later.Count);

    public override ComputeOutput Complete(PrimeCount partial) => ComputeOutput.Json(new { count = partial.Count });

    private static int[] SmallPrimes(int max)
    {
        var composite = new bool[max + 1];
        var primes = new List<int>();
        for (var n = 2; n <= max; n++)
        {
            if (composite[n]) continue;
            primes.Add(n);
            for (var m = (long)n * n; m <= max; m += n) composite[m] = true;
        }
        return [.. primes];
    }
}
