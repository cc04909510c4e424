using System.Globalization;
using Functions.Compute;
using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>Reads what a jobs request carries: a body up to a size cap, and the <c>wait</c> query value.</summary>
public static class JobRequestReader
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const int MaxIdempotencyKeyLength = 255;

    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>True when the content type is absent or JSON (<c>application/json</c> or <c>+json</c>).</summary>
    public static bool IsJsonOrUnspecified(HttpRequest request)
    {
        var type = request.ContentType;
        if (string.IsNullOrEmpty(type)) return true;
        var mediaType = type.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The <c>Idempotency-Key</c> header: 1 to 255 visible ASCII characters, or null when absent.</summary>
    public static string? ReadIdempotencyKey(HttpRequest request)
    {
        var values = request.Headers[IdempotencyKeyHeader];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new InvalidInputException(IdempotencyKeyHeader, $"'{IdempotencyKeyHeader}' must be one value of 1 to {MaxIdempotencyKeyLength} visible ASCII characters.");
        return key;
    }

    /// <summary>The <c>wait</c> query value in seconds, capped at <paramref name="maxSeconds"/>; zero when absent.</summary>
    public static TimeSpan ReadWait(HttpRequest request, int maxSeconds)
    {
        var values = request.Query["wait"];
        if (values.Count == 0) return TimeSpan.Zero;
        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw new InvalidInputException("wait", $"'wait' must be a whole number of seconds from 0 to {maxSeconds}.");
        return TimeSpan.FromSeconds(Math.Min(seconds, maxSeconds));
    }
}
