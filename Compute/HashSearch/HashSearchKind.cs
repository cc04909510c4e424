using System.Text;
using System.Text.Json;

namespace Functions.Compute.HashSearch;

/// <summary>hashsearch: finds the smallest nonce whose SHA-256 with the prefix starts with a given number of zero bits.</summary>
public sealed class HashSearchKind : IComputeKind
{
    /// <summary>256 characters are at most 768 UTF-8 bytes, 13 SHA-256 blocks: a longer prefix only slows every hash.</summary>
    public const int MaxPrefixLength = 256;

    /// <summary>Expected work is 2^difficulty hashes: at 32 that is about 4.3 billion, minutes on two cores; each step doubles it.</summary>
    public const int MaxDifficulty = 32;

    public string Name => "hashsearch";

    public KindDescription Description { get; } = new(
        "hashsearch",
        "Finds the smallest nonce such that SHA-256(UTF-8 prefix ‖ nonce as 8 bytes little-endian) starts with at least difficulty zero bits.",
        [
            new InputField("prefix", "string", $"Text hashed before the nonce, as UTF-8; at most {MaxPrefixLength} characters, may be empty."),
            new InputField("difficulty", "integer", "Required number of leading zero bits of the hash.", Minimum: 1, Maximum: MaxDifficulty),
        ],
        new { prefix = "hello", difficulty = 24 },
        "Expected 2^difficulty hashes at about 0.45 µs each on one core (a longer prefix adds 0.05 µs per 64 bytes): each step of difficulty doubles it. A search gives up at 64 times that, or at the job's budget of core time if that comes first, and then fails with budget-exhausted.",
        "difficulty");

    public IComputePlan Plan(JsonElement input) => Plan(input, TimeSpan.MaxValue);

    /// <summary>
    /// The first chunk (2^18 hashes, ~0.1 s) of a search at the largest difficulty, so that it almost never ends early on
    /// a hit (odds 2^−14) and hashes every nonce it is priced for.
    /// </summary>
    public CalibrationWork Calibration() => CalibrationWork.FirstChunksOf(this, JsonSerializer.SerializeToElement(new { prefix = "calibration", difficulty = MaxDifficulty }));

    public IComputePlan Plan(JsonElement input, TimeSpan budget)
    {
        var prefix = JobInput.String(input, "prefix", MaxPrefixLength);
        var difficulty = (int)JobInput.Integer(input, "difficulty", 1, MaxDifficulty);
        return new HashSearchPlan(Encoding.UTF8.GetBytes(prefix), difficulty, budget);
    }
}
