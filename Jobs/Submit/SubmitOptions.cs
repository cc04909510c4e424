using System.ComponentModel.DataAnnotations;

namespace Functions.Jobs.Submit;

/// <summary>What a submit may ask and how many are taken at once, section <c>Jobs</c>; checked at start.</summary>
public sealed class SubmitOptions
{
    public const string Section = "Jobs";

    /// <summary>The largest accepted job request body.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How many submits work on storage at once on this instance (<see cref="SubmitLimiter"/>); the rest wait in line.
    /// Enough to keep storage busy, few enough that it answers each at its usual latency.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentSubmits { get; set; } = 32;

    /// <summary>The longest line of submits waiting for storage on this instance; past it, submits are refused (503) at once.</summary>
    [Range(0, 1_000_000)]
    public int MaxWaitingSubmits { get; set; } = 10_000;

    /// <summary>Submits are refused (503) while the jobs queue holds this many messages, rather than growing without bound.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueueDepth { get; set; } = 10_000;

    /// <summary>
    /// The most core-seconds one job may be expected to take: a bigger job is refused (400) naming the field that drives
    /// its cost and the largest value that fits; a search is stopped there (budget-exhausted).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxJobCoreSeconds { get; set; } = 1_800;

    /// <summary>Submits are refused (503) while the jobs queued and running are expected to take this many core-seconds.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueuedCoreSeconds { get; set; } = 50_000;

    /// <summary>
    /// Small jobs' start messages share queue messages (<see cref="JobMessage.Group"/>). Off unless set: a build from
    /// before groups would run only the first job of a shared message, so turn it on once no such build runs.
    /// </summary>
    public bool GroupSmallStarts { get; set; }
}
