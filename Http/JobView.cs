using System.Text.Json;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Submit;
using Functions.Jobs;

namespace Functions.Http;

/// <summary>
/// What the API shows of a job. <see cref="Input"/> is left out of listings, whose finished entries do not keep it;
/// so is <see cref="Callback"/> from those entries, its delivery being written to the job row only.
/// </summary>
/// <param name="TraceId">The W3C trace id the job was submitted under, to find its spans (submit, queue hops, ranges).</param>
public sealed record JobView(
    string Id,
    string Kind,
    JsonElement? Input,
    JobStatus Status,
    double Progress,
    int ChunksDone,
    int ChunksTotal,
    JobEstimate? Estimate,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    JsonElement? Result,
    string? ResultUrl,
    JobError? Error,
    string StatusUrl,
    JobCallback? Callback = null,
    string? TraceId = null)
{
    public static JobView From(JobSnapshot snapshot)
    {
        var job = snapshot.Job;
        var done = job.Status == JobStatus.Succeeded ? job.ChunkCount : Math.Min(snapshot.ChunksDone, job.ChunkCount);
        var progress = job.Status == JobStatus.Succeeded ? 1.0 : job.ChunkCount == 0 ? 0.0 : (double)done / job.ChunkCount;
        return new JobView(
            job.Id,
            job.Kind,
            JsonDocument.Parse(job.Input).RootElement.Clone(),
            job.Status,
            Math.Round(progress, 4),
            done,
            job.ChunkCount,
            job.Estimate,
            job.CreatedAt,
            job.StartedAt,
            job.CompletedAt,
            job.Result is null ? null : JsonDocument.Parse(job.Result).RootElement.Clone(),
            job.Status == JobStatus.Succeeded && job.ResultBlob is not null ? Routes.JobResultPath(job.Id) : null,
            job.Error,
            Routes.JobPath(job.Id),
            job.Callback,
            job.TraceId);
    }
}
