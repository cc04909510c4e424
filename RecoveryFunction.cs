using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>Timers that keep jobs whole when a submit or a finish lost a write (see <see cref="JobRecovery"/>, <see cref="CallbackRecovery"/>).</summary>
public sealed class RecoveryFunction(JobRecovery recovery, CallbackRecovery callbacks)
{
    /// <summary>Every 30 seconds: sends the jobs stranded without a message theirs, however deep the queue.</summary>
    [Function(nameof(RequeueStrandedJobs))]
    public Task RequeueStrandedJobs([TimerTrigger("*/30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.RequeueStrandedAsync(cancellationToken);

    /// <summary>Every 30 seconds: queues again the callbacks of ended jobs that have no delivery on its way.</summary>
    [Function(nameof(RequeueStrandedCallbacks))]
    public Task RequeueStrandedCallbacks([TimerTrigger("15,45 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        callbacks.RequeueStrandedAsync(cancellationToken);

    /// <summary>Every 15 minutes: keeps the work queued true, dropping the estimates that finished jobs left behind.</summary>
    [Function(nameof(ForgetFinishedWork))]
    public Task ForgetFinishedWork([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        recovery.ForgetFinishedWorkAsync(cancellationToken);
}
