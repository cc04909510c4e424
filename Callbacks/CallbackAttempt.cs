namespace Functions.Callbacks;

/// <summary>How one request went: delivered (2xx), refused or unanswered (worth a retry), or to a forbidden address (not).</summary>
public sealed record CallbackAttempt(bool IsDelivered, bool IsForbidden, int? StatusCode, string? Error, TimeSpan? RetryAfter)
{
    public static CallbackAttempt Delivered(int status) => new(true, false, status, null, null);

    public static CallbackAttempt Refused(int? status, string error, TimeSpan? retryAfter) => new(false, false, status, error, retryAfter);

    public static CallbackAttempt Forbidden(string error) => new(false, true, null, error, null);
}
