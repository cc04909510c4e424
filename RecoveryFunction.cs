using Functions.Jobs;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>Every 15 minutes: queues again the jobs stranded without a message, and keeps the work queued true (see <see cref="JobRecovery"/>).</summary>
public sealed class RecoveryFunction(JobRecovery recovery)
{
    [Function(nameof(RequeueStrandedJobs))]
    public Task RequeueStrandedJobs([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.RecoverAsync(cancellationToken);
}
