namespace Functions.Callbacks;

/// <summary>
/// Standard Webhooks secrets: <c>whsec_</c> + base64 of the HMAC key's bytes, several space-separated while one is
/// rotated, the first the newest.
/// </summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    /// <summary>The shortest key accepted: an HMAC-SHA256 key of less than 128 bits is guessable.</summary>
    public const int MinKeyBytes = 16;

    /// <summary>The keys of <paramref name="setting"/>, newest first; empty when it is unset.</summary>
    public static IReadOnlyList<byte[]> Parse(string? setting) =>
        [.. (setting ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Key)];

    public static bool IsWellFormed(string? setting)
    {
        try
        {
            return Parse(setting).All(key => key.Length >= MinKeyBytes);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Key(string secret) => secret.StartsWith(Prefix, StringComparison.Ordinal)
        ? Convert.FromBase64String(secret[Prefix.Length..])
        : throw new FormatException($"A callback secret starts with '{Prefix}'.");
}
