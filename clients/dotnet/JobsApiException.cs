using System.Text.Json;

namespace ComputeFunctions.Client;

/// <summary>
/// The API refused a request or could not serve it: an <c>application/problem+json</c> answer (RFC 9457) with its
/// <see cref="Status"/>, <see cref="Title"/>, <see cref="Detail"/> and, where one field is at fault, <see cref="Field"/>
/// (<c>input.limit</c>, <c>kind</c>, <c>Idempotency-Key</c>, <c>id</c>…). Other answers the client cannot use (a proxy's
/// HTML error page, an unreadable body) are reported the same way, with what could be read of them.
/// </summary>
public sealed class JobsApiException : Exception
{
    /// <summary>An exception for an answer with <paramref name="status"/>.</summary>
    public JobsApiException(int status, string? title, string? detail, string? field = null)
        : this(status, title, detail, field, null, null, new Dictionary<string, JsonElement>(), null)
    {
    }

    internal JobsApiException(
        int status, string? title, string? detail, string? field, TimeSpan? retryAfter, string? idempotencyKey,
        IReadOnlyDictionary<string, JsonElement> extensions, Exception? innerException)
        : base(Describe(status, title, detail, field), innerException)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Field = field;
        RetryAfter = retryAfter;
        IdempotencyKey = idempotencyKey;
        Extensions = extensions;
    }

    /// <summary>The HTTP status code, such as 400, 404, 409 or 503.</summary>
    public int Status { get; }

    /// <summary>A short summary of the problem, the same for every occurrence.</summary>
    public string? Title { get; }

    /// <summary>What went wrong this time.</summary>
    public string? Detail { get; }

    /// <summary>The request field at fault, when there is one.</summary>
    public string? Field { get; }

    /// <summary>How long the server asked callers to wait before trying again (503, 429).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The <c>Idempotency-Key</c> a failed submit was sent with (the caller's, or the one the client made). Submitting
    /// again with it later returns the job the server may have created, never a second one.
    /// </summary>
    public string? IdempotencyKey { get; }

    /// <summary>The problem's other members, such as a job id the server adds; empty when there are none.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    internal JobsApiException WithIdempotencyKey(string? key) =>
        key is null ? this : new(Status, Title, Detail, Field, RetryAfter, key, Extensions, InnerException);

    private static string Describe(int status, string? title, string? detail, string? field)
    {
        var text = $"{status} {title ?? "Request failed"}";
        if (!string.IsNullOrEmpty(detail)) text += $": {detail}";
        if (!string.IsNullOrEmpty(field)) text += $" (field '{field}')";
        return text;
    }
}
