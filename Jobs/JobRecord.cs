using Functions.Compute;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Submit;

namespace Functions.Jobs;

/// <summary>The stored state of a job: one row in the jobs table.</summary>
/// <param name="Input">The job input as submitted, JSON.</param>
/// <param name="RangeCount">How many queue invocations the work is split into; 0 until planned.</param>
/// <param name="Result">The JSON result, when it is small enough to live in the row.</param>
/// <param name="ResultBlob">The blob holding the result content (a PNG) or a large JSON result.</param>
/// <param name="Callback">Whom to call back when the job ends, and how that went.</param>
/// <param name="TraceParent">The W3C trace context the job was submitted under: every message of the job joins its trace.</param>
public sealed record JobRecord(
    string Id,
    string Kind,
    string Input,
    JobStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    int ChunkCount = 0,
    int RangeCount = 0,
    string? Result = null,
    string? ResultBlob = null,
    string? ResultContentType = null,
    JobError? Error = null,
    JobEstimate? Estimate = null,
    JobCallback? Callback = null,
    string? TraceParent = null)
{
    /// <summary>How the job's chunks are grouped into ranges, once it is planned.</summary>
    public RangePlan RangePlan => new(ChunkCount, RangeCount);

    /// <summary>The id of the job's trace, when it was submitted under one.</summary>
    public string? TraceId => TraceParent is { Length: 55 } parent ? parent[3..35] : null;

    /// <summary>The core time the job was accepted under; jobs stored before estimates had no limit.</summary>
    public TimeSpan Budget => Estimate is { BudgetCoreSeconds: > 0 and < 1e12 } estimate ? TimeSpan.FromSeconds(estimate.BudgetCoreSeconds) : TimeSpan.MaxValue;

    /// <summary>The job written finished at <paramref name="at"/>: its callback, if it asked for this end, pending in the same write.</summary>
    public JobRecord Ended(JobStatus status, DateTimeOffset at) =>
        this with { Status = status, CompletedAt = at, Callback = Callback?.Ended(status, at) };
}

public sealed record JobError(string Code, string Message);

/// <summary>
/// One queue invocation's share of a job: chunks [FirstChunk, EndChunk), its progress, whether its partial is stored,
/// and whether that partial ends a search (no later range can change the answer).
/// </summary>
public sealed record RangeRecord(int Index, int FirstChunk, int EndChunk, int ChunksDone, bool IsDone = false, bool EndsSearch = false)
{
    public int ChunkCount => EndChunk - FirstChunk;
}

/// <summary>A job as read from storage, with the version its next conditional write must match.</summary>
public sealed record JobSnapshot(JobRecord Job, string Version, IReadOnlyList<RangeRecord> Ranges)
{
    public int ChunksDone => Ranges.Sum(r => r.IsDone ? r.ChunkCount : r.ChunksDone);
}
