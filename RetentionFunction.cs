using Functions.Jobs;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>Housekeeping on timers: purging old finished jobs, and queueing again jobs whose message was never sent.</summary>
public sealed class RetentionFunction(JobRetention retention, JobRecovery recovery)
{
    /// <summary>Every hour: purges jobs that finished longer than <c>Jobs__RetentionHours</c> ago.</summary>
    [Function(nameof(PurgeFinishedJobs))]
    public Task PurgeFinishedJobs([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.PurgeAsync(cancellationToken);

    /// <summary>Every 15 minutes, when the jobs queue is empty: queues again the jobs still queued with no message.</summary>
    [Function(nameof(RequeueStrandedJobs))]
    public Task RequeueStrandedJobs([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.RequeueStrandedAsync(cancellationToken);
}
