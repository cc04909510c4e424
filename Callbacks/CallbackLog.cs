using Microsoft.Extensions.Logging;

namespace Functions.Callbacks;

/// <summary>Every log line about a job's callback, each carrying the job id.</summary>
internal static partial class CallbackLog
{
    [LoggerMessage(LogLevel.Warning, "Job {JobId}: immediate callback delivery failed; the queue or recovery delivers it")]
    public static partial void ImmediateDeliveryFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: callback delivered ({StatusCode}) on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string jobId, int statusCode, int attempt);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: callback attempt {Attempt} failed, next in {Seconds} s: {Error}")]
    public static partial void Retrying(ILogger logger, string jobId, int attempt, double seconds, string error);

    [LoggerMessage(LogLevel.Error, "Job {JobId}: callback failed after {Attempts} attempts: {Error}")]
    public static partial void GaveUp(ILogger logger, string jobId, int attempts, string error);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: callback message ignored, nothing due")]
    public static partial void NothingDue(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: the callback's retry could not be queued; RequeueStrandedCallbacks queues it")]
    public static partial void RetryNotQueued(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Malformed callback message dropped: {Message}")]
    public static partial void MalformedMessage(ILogger logger, string message);
}
