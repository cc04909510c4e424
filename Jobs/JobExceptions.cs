namespace Functions.Jobs;

/// <summary>The job was not queued (the queue is too deep or unreachable); the caller should retry later (HTTP 503).</summary>
public sealed class QueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An Idempotency-Key came back with a different request than it was first used with (HTTP 422).</summary>
public sealed class IdempotencyKeyReusedException() : Exception("This Idempotency-Key was used with a different request.");
