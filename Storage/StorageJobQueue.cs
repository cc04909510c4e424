using Azure;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Functions.Jobs.Store;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>The jobs queue in Queue storage, encoded as host.json's <c>messageEncoding</c> says (see <see cref="StorageClients"/>).</summary>
public sealed class StorageJobQueue : IJobQueue
{
    private readonly QueueClient _jobs;
    private readonly QueueClient _poison;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly StartMessageWriter _starts;

    public StorageJobQueue(QueueServiceClient queues, StorageInitializer storage, TimeProvider time)
    {
        _jobs = queues.GetQueueClient(StorageNames.JobsQueue);
        _poison = queues.GetQueueClient(StorageNames.PoisonQueue);
        (_storage, _time) = (storage, time);
        _starts = new StartMessageWriter(message => SendAsync(message, CancellationToken.None));
    }

    public Task SendAsync(JobMessage message, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        var sentAt = _time.GetUtcNow() + delay;
        var sent = message with { SentAt = sentAt, Group = message.Group?.Select(carried => carried with { SentAt = sentAt }).ToList() };
        return GuardAsync(() => _jobs.SendMessageAsync(sent.ToJson(), delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken), cancellationToken);
    }

    public Task SendStartAsync(JobMessage message, CancellationToken cancellationToken) => _starts.SendAsync(message, cancellationToken);

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
        await _storage.EnsureQueuesAsync(cancellationToken);
        return await operation();
    }, cancellationToken);
}
