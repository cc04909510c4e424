using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>Every log line about a job, each carrying its id.</summary>
internal static partial class JobLog
{
    [LoggerMessage(LogLevel.Information, "Job {JobId} submitted ({Kind})")]
    public static partial void Submitted(ILogger logger, string jobId, string kind);

    [LoggerMessage(LogLevel.Error, "Job {JobId} could not be enqueued")]
    public static partial void EnqueueFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} stored, but its message could not be sent; RequeueStrandedJobs sends it within a minute")]
    public static partial void SendDeferred(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} queued, but its mark as not yet sent was not removed; RequeueStrandedJobs may send it a second message")]
    public static partial void SentMarkKept(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Information, "Submit path warmed up in {Milliseconds} ms")]
    public static partial void WarmedUp(ILogger logger, long milliseconds);

    [LoggerMessage(LogLevel.Warning, "Submit path not warmed up: storage did not answer; the first submits will wait for it")]
    public static partial void WarmupFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} accepted; its wait was cut short: storage did not answer")]
    public static partial void WaitCutShort(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} canceled")]
    public static partial void Canceled(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} started: {ChunkCount} chunks in {RangeCount} ranges")]
    public static partial void Started(ILogger logger, string jobId, int chunkCount, int rangeCount);

    [LoggerMessage(LogLevel.Information, "Job {JobId} range {Range} handed back to the queue for {Invisible} s: the work here would hold it back {Delay} s")]
    public static partial void Deferred(ILogger logger, string jobId, int range, double delay, double invisible);

    [LoggerMessage(LogLevel.Information, "Job {JobId} range {Range} computed {Chunks} chunks in {Milliseconds} ms")]
    public static partial void RangeComputed(ILogger logger, string jobId, int range, int chunks, long milliseconds);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} range {Range} failed on this attempt; the queue will retry it")]
    public static partial void AttemptFailed(ILogger logger, Exception exception, string jobId, int range);

    [LoggerMessage(LogLevel.Information, "Job {JobId} range {Range} stopped: the job is {Status}")]
    public static partial void RangeStopped(ILogger logger, string jobId, int range, JobStatus status);

    [LoggerMessage(LogLevel.Information, "Job {JobId} finished: {Status}")]
    public static partial void Finished(ILogger logger, string jobId, JobStatus status);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: message ignored, the job is {Status}")]
    public static partial void AlreadyFinished(ILogger logger, string jobId, JobStatus status);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: message for an unknown job ignored")]
    public static partial void UnknownJob(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: message for range {Range} ignored, the job is {Status} with {RangeCount} ranges")]
    public static partial void RangeNotInPlan(ILogger logger, string jobId, int range, JobStatus status, int rangeCount);

    [LoggerMessage(LogLevel.Warning, "Malformed queue message dropped: {Message}")]
    public static partial void MalformedMessage(ILogger logger, string message);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} range {Range}: progress not saved; the computation goes on")]
    public static partial void ProgressNotSaved(ILogger logger, Exception exception, string jobId, int range);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: storage did not take the computed work; trying again in {Seconds} s")]
    public static partial void WriteRetried(ILogger logger, Exception exception, string jobId, double seconds);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} was queued with no message on the queue; it is queued again")]
    public static partial void Requeued(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Warning, "Recovery dropped the estimates of {Jobs} finished jobs from the work queued")]
    public static partial void WorkForgotten(ILogger logger, int jobs);

    [LoggerMessage(LogLevel.Information, "Job {JobId} purged")]
    public static partial void Purged(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Information, "Retention purged {Jobs} jobs and {Keys} idempotency keys finished before {Cutoff}")]
    public static partial void RetentionPass(ILogger logger, int jobs, int keys, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed: {Code} {Reason}")]
    public static partial void Failed(ILogger logger, string jobId, string code, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ended, but its callback could not be queued; RequeueStrandedCallbacks queues it")]
    public static partial void CallbackSendDeferred(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: its callback was pending with no delivery on its way; it is queued again")]
    public static partial void CallbackRequeued(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Warning, "The queues' oldest messages could not be read; the queue age gauge reports nothing until they are")]
    public static partial void QueueAgeUnread(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Debug, "The queues' oldest messages could not be read again")]
    public static partial void QueueAgeStillUnread(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "A message of {Jobs} jobs' starts was given up on or could not be read; each job is sent alone, so only one that fails alone is failed")]
    public static partial void GroupSplit(ILogger logger, int jobs);
}
