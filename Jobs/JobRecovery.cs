using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>
/// Queues again the jobs stored as queued whose message never reached the queue: a submit that died between its two
/// writes, and was not retried with its Idempotency-Key, leaves one behind.
/// </summary>
public sealed class JobRecovery(IJobStore store, JobQueue queue, TimeProvider time, ILogger<JobRecovery> logger)
{
    /// <summary>A submit sends its message right after it stores the row; a younger job may still be on its way.</summary>
    public static readonly TimeSpan SubmitWindow = TimeSpan.FromMinutes(1);

    public async Task<int> RequeueStrandedAsync(CancellationToken cancellationToken)
    {
        // While messages wait, a queued job may just be behind them. The count is never below the messages there,
        // invisible ones included, so an empty queue holds no message for any job.
        if (await queue.GetJobsDepthAsync(cancellationToken) > 0) return 0;

        var requeued = 0;
        await foreach (var id in store.FindQueuedBeforeAsync(time.GetUtcNow() - SubmitWindow, cancellationToken))
        {
            await queue.SendAsync(new JobMessage(id), cancellationToken);
            JobLog.Requeued(logger, id);
            requeued++;
        }

        return requeued;
    }
}
