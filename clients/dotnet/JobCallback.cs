using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeFunctions.Client;

/// <summary>
/// Checks a job callback the app sent: its Standard Webhooks signature (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature</c>) against the shared secret, and its timestamp against replays, then reads its body.
/// </summary>
public static class JobCallback
{
    /// <summary>How far a callback's timestamp may be from now: older ones may be replays.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";

    /// <summary>
    /// The callback's event, once its signature and timestamp check out; throws <see cref="JobCallbackException"/>
    /// when they do not. <paramref name="header"/> reads a request header by name (in ASP.NET Core:
    /// <c>name => request.Headers[name]</c>); <paramref name="body"/> is the request body exactly as received;
    /// <paramref name="secrets"/> is the app's <c>Callbacks__Secret</c>: one <c>whsec_…</c> secret, or several
    /// space-separated while one is rotated, any of which may have signed. Dedupe deliveries by the event's
    /// <see cref="JobCallbackEvent.Id"/> (the <c>webhook-id</c>): a callback is delivered at least once.
    /// </summary>
    public static JobCallbackEvent Verify(Func<string, string?> header, string body, string secrets, TimeProvider? time = null)
    {
        var id = header("webhook-id");
        var timestampText = header("webhook-timestamp");
        var signatures = header("webhook-signature");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestampText) || string.IsNullOrEmpty(signatures))
            throw new JobCallbackException("The webhook-id, webhook-timestamp or webhook-signature header is missing.");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            throw new JobCallbackException("The webhook-timestamp header is not a number of seconds.");
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if ((now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > Tolerance)
            throw new JobCallbackException("The webhook-timestamp is more than 5 minutes from now: the callback may be replayed.");

        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        var expected = Keys(secrets).Select(key => HMACSHA256.HashData(key, signed)).ToList();
        var given = signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(signature => signature.StartsWith("v1,", StringComparison.Ordinal))
            .Select(signature => TryBase64(signature[3..]))
            .OfType<byte[]>();
        if (!given.Any(signature => expected.Any(hash => CryptographicOperations.FixedTimeEquals(hash, signature))))
            throw new JobCallbackException("No webhook-signature matches the secret.");

        return JsonSerializer.Deserialize<JobCallbackEvent>(body, JobsJson.Options)
            ?? throw new JobCallbackException("The body is not a callback event.");
    }

    /// <summary>Like <see cref="Verify(Func{string, string?}, string, string, TimeProvider?)"/> with the headers as a dictionary (names in any case).</summary>
    public static JobCallbackEvent Verify(IReadOnlyDictionary<string, string> headers, string body, string secrets, TimeProvider? time = null)
    {
        var byName = headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return Verify(name => byName.TryGetValue(name, out var value) ? value : null, body, secrets, time);
    }

    private static IEnumerable<byte[]> Keys(string secrets)
    {
        foreach (var secret in secrets.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? TryBase64(secret[SecretPrefix.Length..]) : null;
            yield return key ?? throw new ArgumentException($"A callback secret is '{SecretPrefix}' followed by base64.", nameof(secrets));
        }
    }

    private static byte[]? TryBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A job callback's body: a CloudEvents 1.0 event whose <see cref="Data"/> is the job as it ended.</summary>
public sealed record JobCallbackEvent
{
    /// <summary>The <c>webhook-id</c>: one per job end, the same on every retry. Dedupe by it.</summary>
    public required string Id { get; init; }

    /// <summary><c>compute.job.succeeded</c>, <c>compute.job.failed</c> or <c>compute.job.canceled</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The CloudEvents version: <c>1.0</c>.</summary>
    [JsonPropertyName("specversion")]
    public string SpecVersion { get; init; } = "";

    /// <summary>The app that sent it (<c>Callbacks__Source</c>, <c>/api/jobs</c> by default).</summary>
    public string Source { get; init; } = "";

    /// <summary>The job's id.</summary>
    public string Subject { get; init; } = "";

    /// <summary>When the job ended.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The job as <c>GET /api/jobs/{id}</c> showed it when the callback was sent.</summary>
    public required Job Data { get; init; }
}

/// <summary>A callback whose signature, timestamp or body does not check out: answer it 400 or 401 and ignore it.</summary>
public sealed class JobCallbackException(string message) : Exception(message);
