using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Functions.Jobs;

/// <summary>Job ids: 128 random bits as 32 lowercase hex digits, so they cannot be guessed.</summary>
public static partial class JobIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsWellFormed(string? id) => id is not null && WellFormed().IsMatch(id);

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex WellFormed();
}
