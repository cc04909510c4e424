namespace Functions.Jobs;

/// <summary>Settings of the HTTP side, section <c>Jobs</c>.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>The longest a request may hold with <c>?wait=</c>; Azure's HTTP front end drops requests at 230 s.</summary>
    public int MaxWaitSeconds { get; set; } = 200;

    /// <summary>
    /// The longest one event stream (<c>/events</c>) stays open, under the 230 s of Azure's HTTP front end like
    /// <see cref="MaxWaitSeconds"/>; the browser then reconnects and the stream carries on from the last event it saw.
    /// </summary>
    public int MaxStreamSeconds { get; set; } = 200;

    /// <summary>The largest accepted job request body.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The <c>Retry-After</c> sent while a job is queued or running, or when the queue is full.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// How many submits work on storage at once on this instance (<see cref="SubmitLimiter"/>); the rest wait in line.
    /// Enough to keep storage busy, few enough that it answers each at its usual latency.
    /// </summary>
    public int MaxConcurrentSubmits { get; set; } = 32;

    /// <summary>The longest line of submits waiting for storage on this instance; past it, submits are refused (503) at once.</summary>
    public int MaxWaitingSubmits { get; set; } = 10_000;

    /// <summary>Submits are refused (503) while the jobs queue holds this many messages, rather than growing without bound.</summary>
    public int MaxQueueDepth { get; set; } = 10_000;

    /// <summary>
    /// The most core-seconds one job may be expected to take: a bigger job is refused (400) naming the field that drives
    /// its cost and the largest value that fits; a search is stopped there (budget-exhausted).
    /// </summary>
    public int MaxJobCoreSeconds { get; set; } = 1_800;

    /// <summary>Submits are refused (503) while the jobs queued and running are expected to take this many core-seconds.</summary>
    public int MaxQueuedCoreSeconds { get; set; } = 50_000;

    /// <summary>
    /// The most reads a second this instance spends watching jobs for callers that wait on them (<c>?wait=</c>): with
    /// more jobs watched than this, each is read less often. Jobs computed on this instance need no reads.
    /// </summary>
    public int WatchReadsPerSecond { get; set; } = 50;

    /// <summary>Finished jobs, their results and idempotency keys are purged this long after they finish.</summary>
    public int RetentionHours { get; set; } = 7 * 24;
}
