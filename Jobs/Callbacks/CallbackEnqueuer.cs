using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Callbacks;

/// <summary>
/// Puts a job's pending callback on the callbacks queue once its final write has landed, and hands it to this
/// instance's <see cref="ICallbackDispatcher"/> to deliver at once, the message backing it up. That write marked the
/// callback pending, so a send that fails, or a process that dies first, is made good by
/// <see cref="Upkeep.CallbackRecovery"/>: the job's end never fails for want of it.
/// </summary>
public sealed class CallbackEnqueuer(ICallbackQueue queue, ICallbackDispatcher dispatcher, ILogger<CallbackEnqueuer> logger)
{
    public async Task SendIfPendingAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.Callback?.Delivery is not { State: CallbackState.Pending }) return;
        try
        {
            await queue.SendAsync(new CallbackMessage(job.Id), cancellationToken);
        }
        catch (Exception e)
        {
            JobLog.CallbackSendDeferred(logger, e, job.Id);
        }

        dispatcher.Dispatch(job.Id);
    }
}
