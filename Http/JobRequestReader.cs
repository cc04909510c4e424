using System.Globalization;
using System.Text.Json;
using Functions.Compute;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>What the body and headers of <c>POST /api/jobs</c> carry: the job and an optional Idempotency-Key.</summary>
public sealed record SubmitRequest(JobRequest Job, string? IdempotencyKey);

/// <summary>Reads what a jobs request carries: the body up to a size cap, the <c>Idempotency-Key</c> and the <c>wait</c> query value.</summary>
public static class JobRequestReader
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>
    /// Reads a submit; throws <see cref="RequestRefusedException"/> for a bad query, content type (415) or size (413),
    /// and <see cref="InvalidInputException"/> naming the field for a bad job or key.
    /// </summary>
    public static async Task<SubmitRequest> ReadSubmitAsync(HttpRequest request, SubmitOptions options, CancellationToken cancellationToken)
    {
        if (!IsJsonOrUnspecified(request))
            throw new RequestRefusedException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Send the job as application/json.", "Content-Type");
        var body = await ReadBodyAsync(request, options.MaxBodyBytes, cancellationToken)
            ?? throw new RequestRefusedException(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A job request must be at most {options.MaxBodyBytes} bytes.", "body");
        var job = Parse(body);
        return new SubmitRequest(job, ReadIdempotencyKey(request));
    }

    /// <summary>The <c>wait</c> query value in seconds, capped at <paramref name="maxSeconds"/>; zero when absent.</summary>
    public static TimeSpan ReadWait(HttpRequest request, int maxSeconds)
    {
        var values = request.Query["wait"];
        if (values.Count == 0) return TimeSpan.Zero;
        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw RequestRefusedException.InvalidQuery("wait", $"'wait' must be a whole number of seconds from 0 to {maxSeconds}.");
        return TimeSpan.FromSeconds(Math.Min(seconds, maxSeconds));
    }

    /// <summary>Parses a body such as <c>{"kind":"primes","input":{"limit":10000000000}}</c>, naming the field at fault.</summary>
    public static JobRequest Parse(ReadOnlyMemory<byte> body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidInputException("body", $"The body is not valid JSON: {e.Message}");
        }

        if (!IsText(root))
            throw new InvalidInputException("body", "The body holds an escaped lone surrogate (such as \\ud800), which is not text.");
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("body", "The body must be a JSON object with 'kind' and 'input'.");
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("kind" or "input" or "callback"))
                throw new InvalidInputException(property.Name, $"Unknown field '{property.Name}'; a job has 'kind', 'input' and optionally 'callback'.");
        }

        if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind == JsonValueKind.Null)
            throw new InvalidInputException("kind", "'kind' is required.");
        if (kind.ValueKind != JsonValueKind.String)
            throw new InvalidInputException("kind", "'kind' must be a string.");
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
            throw new InvalidInputException("input", "'input' is required.");
        if (input.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("input", "'input' must be a JSON object.");
        return new JobRequest(kind.GetString()!, input, root.TryGetProperty("callback", out var callback) ? ParseCallback(callback) : null);
    }

    /// <summary>The shape of <c>"callback": {"url": "…", "events": ["…"]}</c>; the URL and events are checked on submit.</summary>
    private static CallbackRequest? ParseCallback(JsonElement callback)
    {
        if (callback.ValueKind == JsonValueKind.Null) return null;
        if (callback.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("callback", "'callback' must be a JSON object with 'url' and optionally 'events'.");
        foreach (var property in callback.EnumerateObject())
        {
            if (property.Name is not ("url" or "events"))
                throw new InvalidInputException($"callback.{property.Name}", $"Unknown field 'callback.{property.Name}'; a callback has 'url' and optionally 'events'.");
        }

        if (!callback.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
            throw new InvalidInputException("callback.url", "'callback.url' is required, a string.");
        if (!callback.TryGetProperty("events", out var events) || events.ValueKind == JsonValueKind.Null)
            return new CallbackRequest(url.GetString()!, null);
        if (events.ValueKind != JsonValueKind.Array || events.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new InvalidInputException("callback.events", "'callback.events' must be an array of strings.");
        return new CallbackRequest(url.GetString()!, [.. events.EnumerateArray().Select(e => e.GetString()!)]);
    }

    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
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
    private static bool IsJsonOrUnspecified(HttpRequest request)
    {
        var type = request.ContentType;
        if (string.IsNullOrEmpty(type)) return true;
        var mediaType = type.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The <c>Idempotency-Key</c> header: 1 to 255 visible ASCII characters, or null when absent.</summary>
    private static string? ReadIdempotencyKey(HttpRequest request)
    {
        var values = request.Headers[IdempotencyKeyHeader];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new InvalidInputException(IdempotencyKeyHeader, $"'{IdempotencyKeyHeader}' must be one value of 1 to {MaxIdempotencyKeyLength} visible ASCII characters.");
        return key;
    }

    /// <summary>
    /// False when a name or string holds an escaped lone surrogate ("\ud800"): valid JSON but no text, and reading it
    /// throws InvalidOperationException wherever it is read later (here, in a kind, in an error message).
    /// </summary>
    private static bool IsText(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Object => element.EnumerateObject().All(property => property.Name is not null && IsText(property.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsText),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
