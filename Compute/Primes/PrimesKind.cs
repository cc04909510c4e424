using System.Text.Json;

namespace Functions.Compute.Primes;

/// <summary>primes: counts the primes ≤ limit with a segmented, wheel-30, bit-packed sieve of Eratosthenes.</summary>
public sealed class PrimesKind : IComputeKind
{
    public const long MaxLimit = 10_000_000_000_000;

    public string Name => "primes";

    public KindDescription Description { get; } = new(
        "primes",
        "Counts the primes less than or equal to limit.",
        [new InputField("limit", "integer", "Count the primes ≤ limit.", Minimum: 0, Maximum: MaxLimit)],
        new { limit = 10_000_000_000 },
        "About 0.08 ns of core time per number up to 10^10, growing to 0.18 ns near 10^13: a little more than linear in limit.",
        "limit");

    public IComputePlan Plan(JsonElement input) => new PrimesPlan(JobInput.Integer(input, "limit", 0, MaxLimit));
}
