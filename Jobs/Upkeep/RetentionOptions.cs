using System.ComponentModel.DataAnnotations;

namespace Functions.Jobs.Upkeep;

/// <summary>How long finished jobs are kept, section <c>Jobs</c>; checked at start.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Jobs";

    /// <summary>Finished jobs, their results and idempotency keys are purged this long after they finish.</summary>
    [Range(0, 24 * 365 * 10)]
    public int RetentionHours { get; set; } = 7 * 24;
}
