using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace Functions.Storage;

/// <summary>
/// Creates the queues, and the table and container, once per process; a failed attempt is retried on next use.
/// The two are separate so that an unreachable queue service cannot stop a job row from being read or written.
/// On a fresh deployment the app's role assignments can take minutes to reach storage: a creation refused for the
/// identity (403) is tried again, for up to <see cref="RolePropagation"/>, so the app heals by itself.
/// </summary>
public sealed class StorageInitializer(QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs, TimeProvider time, ILogger<StorageInitializer> logger)
{
    /// <summary>How long a refusal of the app's identity is taken for roles still propagating (Azure says up to 10 minutes).</summary>
    public static readonly TimeSpan RolePropagation = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Task? _queues;
    private Task? _tables;

    public Task EnsureQueuesAsync(CancellationToken cancellationToken) => Once(ref _queues, "queues", () => Task.WhenAll(
        queues.GetQueueClient(StorageNames.JobsQueue).CreateIfNotExistsAsync(),
        queues.GetQueueClient(StorageNames.PoisonQueue).CreateIfNotExistsAsync(),
        queues.GetQueueClient(StorageNames.CallbacksQueue).CreateIfNotExistsAsync(),
        queues.GetQueueClient(StorageNames.CallbacksPoisonQueue).CreateIfNotExistsAsync()), cancellationToken);

    public Task EnsureTableAndContainerAsync(CancellationToken cancellationToken) => Once(ref _tables, "table and container", () => Task.WhenAll(
        tables.GetTableClient(StorageNames.JobsTable).CreateIfNotExistsAsync(),
        blobs.GetBlobContainerClient(StorageNames.ResultsContainer).CreateIfNotExistsAsync()), cancellationToken);

    /// <summary>
    /// The creation is shared by every caller, so it runs without any caller's token: one request going away must not
    /// cancel it for the others. Each caller stops waiting when its own token is canceled.
    /// </summary>
    private Task Once(ref Task? created, string what, Func<Task> create, CancellationToken cancellationToken)
    {
        Task current;
        lock (_gate)
        {
            if (created is null || created.IsFaulted || created.IsCanceled) created = UntilRolesReachAsync(what, create);
            current = created;
        }

        return current.WaitAsync(cancellationToken);
    }

    private async Task UntilRolesReachAsync(string what, Func<Task> create)
    {
        var giveUp = time.GetUtcNow() + RolePropagation;
        var pause = FirstPause;
        while (true)
        {
            try
            {
                await create();
                return;
            }
            catch (Exception e) when (IsRefusedIdentity(e) && time.GetUtcNow() + pause < giveUp)
            {
                StorageLog.IdentityRefused(logger, e, what, pause.TotalSeconds);
                await Task.Delay(pause, time);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    private static bool IsRefusedIdentity(Exception e) => e switch
    {
        RequestFailedException { Status: 403 } => true,
        AggregateException all => all.InnerExceptions.Any(IsRefusedIdentity),
        _ => false,
    };
}
