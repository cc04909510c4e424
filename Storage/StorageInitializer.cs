using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Storage;

/// <summary>
/// Creates the queues, and the table and container, once per process, and settles the table's
/// <see cref="IndexShards"/>; a failed attempt is retried on next use.
/// The two are separate so that an unreachable queue service cannot stop a job row from being read or written.
/// On a fresh deployment the app's role assignments can take minutes to reach storage: a creation refused for the
/// identity (403) is tried again, for up to <see cref="RolePropagation"/>, so the app heals by itself.
/// </summary>
public sealed class StorageInitializer(
    QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options, TimeProvider time, ILogger<StorageInitializer> logger)
{
    /// <summary>How long a refusal of the app's identity is taken for roles still propagating (Azure says up to 10 minutes).</summary>
    public static readonly TimeSpan RolePropagation = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Task<bool>? _queues;
    private Task<IndexShards>? _tables;

    public Task EnsureQueuesAsync(CancellationToken cancellationToken) => Once(ref _queues, "queues", async () =>
    {
        await Task.WhenAll(
            queues.GetQueueClient(StorageNames.JobsQueue).CreateIfNotExistsAsync(),
            queues.GetQueueClient(StorageNames.PoisonQueue).CreateIfNotExistsAsync(),
            queues.GetQueueClient(StorageNames.CallbacksQueue).CreateIfNotExistsAsync(),
            queues.GetQueueClient(StorageNames.CallbacksPoisonQueue).CreateIfNotExistsAsync());
        return true;
    }, cancellationToken);

    /// <summary>Creates the table and container, then answers the table's index shards.</summary>
    public Task<IndexShards> EnsureTableAndContainerAsync(CancellationToken cancellationToken) => Once(ref _tables, "table and container", async () =>
    {
        var table = tables.GetTableClient(StorageNames.JobsTable);
        await Task.WhenAll(table.CreateIfNotExistsAsync(), blobs.GetBlobContainerClient(StorageNames.ResultsContainer).CreateIfNotExistsAsync());
        return await IndexShards.SettleAsync(table, options.Value.IndexShards, logger);
    }, cancellationToken);

    /// <summary>
    /// The creation is shared by every caller, so it runs without any caller's token: one request going away must not
    /// cancel it for the others. Each caller stops waiting when its own token is canceled.
    /// </summary>
    private Task<T> Once<T>(ref Task<T>? created, string what, Func<Task<T>> create, CancellationToken cancellationToken)
    {
        Task<T> current;
        lock (_gate)
        {
            if (created is null || created.IsFaulted || created.IsCanceled) created = UntilRolesReachAsync(what, create);
            current = created;
        }

        return current.WaitAsync(cancellationToken);
    }

    private async Task<T> UntilRolesReachAsync<T>(string what, Func<Task<T>> create)
    {
        var giveUp = time.GetUtcNow() + RolePropagation;
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await create();
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
