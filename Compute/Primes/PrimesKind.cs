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

    /// <summary>The calibration counts a full chunk at the top of π(10^11): 10^9 numbers, ~0.1 s, with medium primes at work.</summary>
    public const long CalibrationLimit = 100_000_000_000;

    public IComputePlan Plan(JsonElement input) => new PrimesPlan(JobInput.Integer(input, "limit", 0, MaxLimit));

    /// <summary>The top full chunk of π(<see cref="CalibrationLimit"/>), at what the model expects it to take (the chunk cost adds a margin).</summary>
    public CalibrationWork Calibration()
    {
        var split = new ChunkSplit(CalibrationLimit);
        var chunk = split.ChunkCount - 2;
        return new CalibrationWork(new PrimesPlan(CalibrationLimit), chunk, chunk + 1, PrimesCostModel.ExpectedCost(split, chunk));
    }
}
