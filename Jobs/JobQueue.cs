using Azure.Storage.Queues;

namespace Functions.Jobs;

/// <summary>The jobs queue the HTTP side writes and <see cref="ComputeFunction"/> reads.</summary>
public sealed class JobQueue(QueueServiceClient queues, StorageInitializer storage)
{
    private readonly QueueClient _jobs = queues.GetQueueClient(StorageNames.JobsQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.PoisonQueue);

    public async Task SendAsync(JobMessage message, CancellationToken cancellationToken)
    {
        await storage.EnsureQueuesAsync(cancellationToken);
        await _jobs.SendMessageAsync(message.ToJson(), cancellationToken);
    }

    /// <summary>The approximate number of messages waiting in the jobs queue.</summary>
    public async Task<int> GetJobsDepthAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureQueuesAsync(cancellationToken);
        return (await _jobs.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
    }

    /// <summary>The approximate number of messages waiting in the jobs and poison queues.</summary>
    public async Task<(int Jobs, int Poison)> GetDepthsAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureQueuesAsync(cancellationToken);
        var jobs = await _jobs.GetPropertiesAsync(cancellationToken);
        var poison = await _poison.GetPropertiesAsync(cancellationToken);
        return (jobs.Value.ApproximateMessagesCount, poison.Value.ApproximateMessagesCount);
    }
}
