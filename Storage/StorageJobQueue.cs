using Azure;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Functions.Jobs.Store;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>The jobs queue in Queue storage, encoded as host.json's <c>messageEncoding</c> says (see <see cref="StorageClients"/>).</summary>
public sealed class StorageJobQueue(QueueServiceClient queues, StorageInitializer storage, TimeProvider time) : IJobQueue
{
    private readonly QueueClient _jobs = queues.GetQueueClient(StorageNames.JobsQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.PoisonQueue);

    public Task SendAsync(JobMessage message, CancellationToken cancellationToken, TimeSpan delay = default) =>
        GuardAsync(() => _jobs.SendMessageAsync(
            (message with { SentAt = time.GetUtcNow() + delay }).ToJson(), delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken), cancellationToken);

    public Task<int> GetJobsDepthAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () => (await _jobs.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount, cancellationToken);

    public Task<QueueDepths> GetDepthsAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var jobs = _jobs.GetPropertiesAsync(cancellationToken);
        var poison = _poison.GetPropertiesAsync(cancellationToken);
        await Task.WhenAll(jobs, poison);
        return new QueueDepths((await jobs).Value.ApproximateMessagesCount, (await poison).Value.ApproximateMessagesCount);
    }, cancellationToken);

    public Task<OldestMessages> PeekOldestAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var jobs = _jobs.PeekMessagesAsync(maxMessages: 1, cancellationToken);
        var poison = _poison.PeekMessagesAsync(maxMessages: 1, cancellationToken);
        await Task.WhenAll(jobs, poison);
        return new OldestMessages(InsertedOn(await jobs), InsertedOn(await poison));
    }, cancellationToken);

    private static DateTimeOffset? InsertedOn(Response<PeekedMessage[]> peeked) => peeked.Value is [var first, ..] ? first.InsertedOn : null;

    /// <summary>Every operation: the queues exist first, and a transient failure becomes <see cref="StorageUnavailableException"/>.</summary>
    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) => StorageFailures.GuardAsync(async () =>
    {
        await storage.EnsureQueuesAsync(cancellationToken);
        return await operation();
    }, cancellationToken);
}
