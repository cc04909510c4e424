using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Functions.Jobs;

/// <summary>
/// Creates the queues, and the table and container, once per process; a failed attempt is retried on next use.
/// The two are separate so that an unreachable queue service cannot stop a job row from being read or written.
/// </summary>
public sealed class StorageInitializer(QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs)
{
    private Task? _queues;
    private Task? _tables;

    public Task EnsureQueuesAsync(CancellationToken cancellationToken) => Once(ref _queues, () => Task.WhenAll(
        queues.GetQueueClient(StorageNames.JobsQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
        queues.GetQueueClient(StorageNames.PoisonQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));

    public Task EnsureTableAndContainerAsync(CancellationToken cancellationToken) => Once(ref _tables, () => Task.WhenAll(
        tables.GetTableClient(StorageNames.JobsTable).CreateIfNotExistsAsync(cancellationToken),
        blobs.GetBlobContainerClient(StorageNames.ResultsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));

    private static Task Once(ref Task? created, Func<Task> create)
    {
        var current = created;
        if (current is null || current.IsFaulted || current.IsCanceled) created = current = create();
        return current;
    }
}
