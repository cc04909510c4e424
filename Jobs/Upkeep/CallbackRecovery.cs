using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Upkeep;

/// <summary>
/// Queues again the callbacks of ended jobs that have no delivery on its way. A job's final write marks its callback
/// pending, due at once, and then its message is sent; a delivery attempt holds it while it runs, and a failed one
/// sets when the next is due and sends a delayed message. A process that dies between a write and its send leaves a
/// callback pending past its due time: after <see cref="Window"/> it is sent again.
/// </summary>
public sealed class CallbackRecovery(IJobRows rows, ICallbackQueue queue, TimeProvider time, ILogger<CallbackRecovery> logger)
{
    /// <summary>How long past its due time a pending callback is left to the message that should be on its way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sends a message for every callback pending longer than <see cref="Window"/> past its due time; returns their job
    /// ids. A second message for one delivery is harmless: each attempt is claimed with a conditional write.
    /// </summary>
    public async Task<IReadOnlyList<string>> RequeueStrandedAsync(CancellationToken cancellationToken)
    {
        var requeued = new List<string>();
        await foreach (var id in rows.FindCallbacksDueBeforeAsync(time.GetUtcNow() - Window, cancellationToken))
        {
            await queue.SendAsync(new CallbackMessage(id), cancellationToken);
            JobLog.CallbackRequeued(logger, id);
            requeued.Add(id);
        }

        return requeued;
    }
}
