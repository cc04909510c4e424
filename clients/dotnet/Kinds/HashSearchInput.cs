namespace ComputeFunctions.Client;

/// <summary>
/// A <c>hashsearch</c> job: find the smallest nonce such that SHA-256(UTF-8 <paramref name="Prefix"/> ‖ nonce as 8 bytes
/// little-endian) starts with at least <paramref name="Difficulty"/> zero bits.
/// </summary>
/// <param name="Prefix">Text hashed before the nonce; at most 256 characters, may be empty.</param>
/// <param name="Difficulty">Leading zero bits wanted, 1 to 32.</param>
public sealed record HashSearchInput(string Prefix, int Difficulty) : JobInput<HashSearchResult>("hashsearch");

/// <summary>The result of a <c>hashsearch</c> job.</summary>
/// <param name="Found">Whether a nonce was found in the searched range.</param>
/// <param name="Nonce">The smallest nonce that meets the difficulty, when found.</param>
/// <param name="Hash">Its SHA-256 in lower-case hex, when found.</param>
/// <param name="Difficulty">The difficulty asked for.</param>
/// <param name="LeadingZeroBits">The hash's actual leading zero bits (at least the difficulty), when found.</param>
/// <param name="HashesComputed">Hashes computed in all, by every worker.</param>
/// <param name="NoncesSearched">How many nonces were searched, when none was found.</param>
public sealed record HashSearchResult(
    bool Found, ulong? Nonce, string? Hash, int Difficulty, int? LeadingZeroBits, long HashesComputed, ulong? NoncesSearched = null);
