using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>
/// Queues again the jobs stored as queued whose message never reached the queue: a submit that died between its two
/// writes leaves one behind. A job is only taken for stranded while the jobs queue is empty: the queue's count is
/// never below the messages it holds, invisible ones included, so then no job can have a message waiting.
/// </summary>
public sealed class JobRecovery(IJobStore store, IJobQueue queue, TimeProvider time, ILogger<JobRecovery> logger)
{
    /// <summary>A submit sends its message right after it stores the row; a younger job may still be on its way.</summary>
    public static readonly TimeSpan SubmitWindow = TimeSpan.FromMinutes(1);

    /// <summary>Queues <paramref name="job"/> again if it is stranded; true when it did.</summary>
    public async Task<bool> RequeueIfStrandedAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.Status != JobStatus.Queued || time.GetUtcNow() - job.CreatedAt < SubmitWindow) return false;
        if (await queue.GetJobsDepthAsync(cancellationToken) > 0) return false;
        await RequeueAsync(job.Id, cancellationToken);
        return true;
    }

    /// <summary>
    /// The timer's pass: queues the stranded jobs again, and drops from the work queued the estimates of jobs that
    /// finished without dropping theirs (their write was lost), so admission by work does not drift.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await RequeueStrandedAsync(cancellationToken);
        var forgotten = await store.ForgetFinishedWorkAsync(cancellationToken);
        if (forgotten > 0) JobLog.WorkForgotten(logger, forgotten);
    }

    /// <summary>Queues every stranded job again; how many.</summary>
    public async Task<int> RequeueStrandedAsync(CancellationToken cancellationToken)
    {
        if (await queue.GetJobsDepthAsync(cancellationToken) > 0) return 0;

        var requeued = 0;
        await foreach (var id in store.FindQueuedBeforeAsync(time.GetUtcNow() - SubmitWindow, cancellationToken))
        {
            await RequeueAsync(id, cancellationToken);
            requeued++;
        }

        return requeued;
    }

    private async Task RequeueAsync(string id, CancellationToken cancellationToken)
    {
        await queue.SendAsync(new JobMessage(id), cancellationToken);
        JobLog.Requeued(logger, id);
    }
}
