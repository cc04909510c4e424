using System.ComponentModel.DataAnnotations;

namespace Functions.Jobs.Watch;

/// <summary>How callers wait on jobs (<c>?wait=</c>, event streams, polling), section <c>Jobs</c>; checked at start.</summary>
public sealed class WatchOptions
{
    public const string Section = "Jobs";

    /// <summary>The longest a request may hold with <c>?wait=</c>; Azure's HTTP front end drops requests at 230 s.</summary>
    [Range(0, 229)]
    public int MaxWaitSeconds { get; set; } = 200;

    /// <summary>
    /// The longest one event stream (<c>/events</c>) stays open, under the 230 s of Azure's HTTP front end like
    /// <see cref="MaxWaitSeconds"/>; the browser then reconnects and the stream carries on from the last event it saw.
    /// </summary>
    [Range(1, 229)]
    public int MaxStreamSeconds { get; set; } = 200;

    /// <summary>The <c>Retry-After</c> sent while a job is queued or running, or when the queue is full.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// The most reads a second this instance spends watching jobs for callers that wait on them (<c>?wait=</c>): with
    /// more jobs watched than this, each is read less often. Jobs computed on this instance need no reads.
    /// </summary>
    [Range(1, 10_000)]
    public int WatchReadsPerSecond { get; set; } = 50;
}
