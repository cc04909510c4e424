using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Functions.Storage;

/// <summary>
/// Creates the queues, and the table and container, once per process; a failed attempt is retried on next use.
/// The two are separate so that an unreachable queue service cannot stop a job row from being read or written.
/// </summary>
public sealed class StorageInitializer(QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs)
{
    private readonly Lock _gate = new();
    private Task? _queues;
    private Task? _tables;

    public Task EnsureQueuesAsync(CancellationToken cancellationToken) => Once(ref _queues, () => Task.WhenAll(
        queues.GetQueueClient(StorageNames.JobsQueue).CreateIfNotExistsAsync(),
        queues.GetQueueClient(StorageNames.PoisonQueue).CreateIfNotExistsAsync()), cancellationToken);

    public Task EnsureTableAndContainerAsync(CancellationToken cancellationToken) => Once(ref _tables, () => Task.WhenAll(
        tables.GetTableClient(StorageNames.JobsTable).CreateIfNotExistsAsync(),
        blobs.GetBlobContainerClient(StorageNames.ResultsContainer).CreateIfNotExistsAsync()), cancellationToken);

    /// <summary>
    /// The creation is shared by every caller, so it runs without any caller's token: one request going away must not
    /// cancel it for the others. Each caller stops waiting when its own token is canceled.
    /// </summary>
    private Task Once(ref Task? created, Func<Task> create, CancellationToken cancellationToken)
    {
        Task current;
        lock (_gate)
        {
            if (created is null || created.IsFaulted || created.IsCanceled) created = create();
            current = created;
        }

        return current.WaitAsync(cancellationToken);
    }
}
