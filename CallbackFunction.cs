using Functions.Callbacks;
using Functions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The callbacks' queue face: delivers the signed callback of a job that ended (see <see cref="CallbackDeliverer"/>).</summary>
public sealed class CallbackFunction(CallbackDeliverer deliverer)
{
    [Function(nameof(DeliverCallback))]
    public Task DeliverCallback(
        [QueueTrigger(StorageNames.CallbacksQueue, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken) =>
        deliverer.DeliverAsync(message, cancellationToken);
}
