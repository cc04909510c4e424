using Azure.Storage.Queues;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>The callbacks queue in Queue storage, encoded like the jobs queue (see <see cref="StorageClients"/>).</summary>
public sealed class StorageCallbackQueue(QueueServiceClient queues, StorageInitializer storage) : ICallbackQueue
{
    private readonly QueueClient _callbacks = queues.GetQueueClient(StorageNames.CallbacksQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.CallbacksPoisonQueue);

    public Task SendAsync(CallbackMessage message, CancellationToken cancellationToken, TimeSpan delay = default) =>
        GuardAsync(() => _callbacks.SendMessageAsync(message.ToJson(), delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken), cancellationToken);

    public Task SendToPoisonAsync(CallbackMessage message, CancellationToken cancellationToken) =>
        GuardAsync(() => _poison.SendMessageAsync(message.ToJson(), cancellationToken: cancellationToken), cancellationToken);

    private Task GuardAsync(Func<Task> operation, CancellationToken cancellationToken) => StorageFailures.GuardAsync(async () =>
    {
        await storage.EnsureQueuesAsync(cancellationToken);
        await operation();
    }, cancellationToken);
}
