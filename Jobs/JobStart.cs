using Functions.Compute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs;

/// <summary>
/// Starts a queued job: splits its chunks into ranges that each fit one invocation's budget, marks it running, and
/// queues a message for every range after the first (which the starting invocation computes itself), so any
/// instance can take any range when Azure scales out on queue length.
/// </summary>
public sealed class JobStart(
    IJobStore store,
    IJobQueue queue,
    ComputeExecutor executor,
    TimeProvider time,
    IOptions<ComputeOptions> options,
    JobMetrics metrics,
    ILogger<JobStart> logger)
{
    /// <summary>The job as started; null when it was no longer queued (another delivery started it, or it was canceled).</summary>
    public async Task<JobSnapshot?> StartAsync(JobSnapshot snapshot, IComputePlan plan, CancellationToken cancellationToken)
    {
        var ranges = RangePlan.For(plan, TimeSpan.FromSeconds(options.Value.InvocationBudgetSeconds), executor.ThreadCount);
        var started = await store.UpdateAsync(snapshot.Job.Id, job => job.Status == JobStatus.Queued
            ? job with { Status = JobStatus.Running, StartedAt = time.GetUtcNow(), ChunkCount = ranges.ChunkCount, RangeCount = ranges.RangeCount }
            : null, cancellationToken);
        if (started is null || started.Job.Status != JobStatus.Running) return null;

        JobLog.Started(logger, started.Job.Id, started.Job.ChunkCount, started.Job.RangeCount);
        metrics.Started(started.Job);
        var done = started.Ranges.Where(r => r.IsDone).Select(r => r.Index).ToHashSet();
        for (var range = 1; range < started.Job.RangeCount; range++)
        {
            if (!done.Contains(range)) await queue.SendAsync(new JobMessage(started.Job.Id, range), cancellationToken);
        }

        return started;
    }
}
