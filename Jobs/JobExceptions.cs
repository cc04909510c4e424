namespace Functions.Jobs;

/// <summary>The job was not queued (the queue is too deep or unreachable); the caller should retry later (HTTP 503).</summary>
public sealed class QueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// This instance has more submits waiting for storage than it can take in time: refused before any write (HTTP 503),
/// to be tried again after <see cref="RetryAfter"/>.
/// </summary>
public sealed class TooBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>An Idempotency-Key came back with a different request than it was first used with (HTTP 422).</summary>
public sealed class IdempotencyKeyReusedException() : Exception("This Idempotency-Key was used with a different request.");

/// <summary>
/// Storage did not answer while a job was being stored or queued, so whether it was accepted is unknown. The job may
/// exist under <see cref="JobId"/>: the caller can look it up, or retry with the same Idempotency-Key to get it (HTTP 503).
/// </summary>
public sealed class JobOutcomeUnknownException(string jobId, string message, Exception? inner = null) : Exception(message, inner)
{
    public string JobId { get; } = jobId;
}
