using Functions.Compute;
using Functions.Jobs.Store;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Run;

/// <summary>
/// Starts a queued job of several ranges (each fits one invocation's budget, see <see cref="RangePlan"/>): marks it
/// running with its plan, and queues a message for every range after the first (which the starting invocation computes itself), so any
/// instance can take any range when Azure scales out on queue length.
/// </summary>
public sealed class JobStart(IJobRows rows, IJobQueue queue, JobNotifier notifier, TimeProvider time, JobMetrics metrics, ILogger<JobStart> logger)
{
    /// <summary>The job as started; null when it has finished (canceled) meanwhile.</summary>
    public async Task<JobSnapshot?> StartAsync(JobSnapshot snapshot, RangePlan ranges, CancellationToken cancellationToken)
    {
        var started = await rows.UpdateAsync(snapshot.Job.Id, job => job.Status == JobStatus.Queued
            ? job with { Status = JobStatus.Running, StartedAt = time.GetUtcNow(), ChunkCount = ranges.ChunkCount, RangeCount = ranges.RangeCount }
            : null, cancellationToken);
        if (started is null || started.Job.Status != JobStatus.Running) return null;

        JobLog.Started(logger, started.Job.Id, started.Job.ChunkCount, started.Job.RangeCount);
        metrics.Started(started.Job);
        notifier.Changed(started);
        var done = started.Ranges.Where(r => r.IsDone).Select(r => r.Index).ToHashSet();
        for (var range = 1; range < started.Job.RangeCount; range++)
        {
            if (!done.Contains(range)) await queue.SendAsync(new JobMessage(started.Job.Id, range).Carrying(started.Job), cancellationToken);
        }

        return started;
    }
}
