using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.Extensions.Logging;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>
/// Jobs in Table storage (<see cref="JobEntities"/> has the rows), with what does not fit a row in Blob storage. Every
/// operation makes sure the table and container exist first, and turns transient failures into
/// <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed partial class TableJobStore(TableServiceClient tables, BlobServiceClient blobs, StorageInitializer storage, ILogger<TableJobStore> logger) : IJobStore
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.JobsTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);
    private readonly ConcurrentDictionary<string, IndexWriter> _indexWriters = new();

    /// <summary>The input is one string property of the job row.</summary>
    public int MaxInputLength => TableLimits.MaxStringLength;

    public Task<string?> TryCreateAsync(JobRecord job, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        // The row and, grouped with other submits', the listing entry, the work entry and the send marker are written
        // at once: one round trip of waiting, not two.
        var partition = shards.PartitionOf(job.Id);
        var listed = IndexWriterOf(partition).WriteAsync(
            [Upsert(ToIndexEntry(job, partition)), Upsert(ToWorkEntry(job, partition)), Upsert(ToSendEntry(job, partition))], cancellationToken);
        var stored = _table.AddEntityAsync(ToEntity(job), cancellationToken);
        try
        {
            await Task.WhenAll(listed, stored);
            return (await stored).Headers.ETag?.ToString() ?? "";
        }
        catch (RequestFailedException e) when (e.Status == 409 && listed.IsCompletedSuccessfully)
        {
            // The SDK retried our own write after its answer was lost: the row is ours, carry on with it.
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(job.Id, JobRow, ["CreatedAt"], cancellationToken);
            if (existing.HasValue && IsSameInstant(existing.Value!.GetDateTimeOffset("CreatedAt"), job.CreatedAt))
                return existing.Value!.ETag.ToString();

            // Another submit with the same idempotency key stored the job first: its listing entry is the one to keep.
            await _table.DeleteEntityAsync(partition, IndexRow(job.CreatedAt, job.Id), ETag.All, cancellationToken);
            return null;
        }
    }, cancellationToken);

    // A stored time may come back rounded; two submits of one key within the same millisecond count as one.
    private static bool IsSameInstant(DateTimeOffset? stored, DateTimeOffset written) =>
        stored is { } value && (value - written).Duration() < TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// A point read of the job row, then its range rows only while they can matter: a queued job has none yet, and a
    /// succeeded one shows all its chunks done. So a small job costs one point read, which stays cheap however large
    /// the table grows (Azurite scans the whole table for every query).
    /// </summary>
    public Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(id, JobRow, cancellationToken: cancellationToken);
        if (!row.HasValue) return null;
        var job = ToJob(row.Value!);
        var ranges = new List<RangeRecord>();
        if (job.Status is not (JobStatus.Queued or JobStatus.Succeeded))
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(RangeFilter(id), cancellationToken: cancellationToken))
                ranges.Add(ToRange(entity));
        }

        return new JobSnapshot(job, row.Value!.ETag.ToString(), ranges);
    }, cancellationToken);

    public Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        string? written;
        try
        {
            written = (await _table.UpdateEntityAsync(ToEntity(job), new ETag(version), TableUpdateMode.Replace, cancellationToken)).Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }

        if (job.Status.IsFinished()) await ListFinishedAsync(job, shards.PartitionOf(job.Id), cancellationToken);
        return written;
    }, cancellationToken);

    public Task<string?> TryWriteCallbackAsync(JobRecord job, string version, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            return (await _table.UpdateEntityAsync(ToEntity(job), new ETag(version), TableUpdateMode.Replace, cancellationToken)).Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }, cancellationToken);

    public IAsyncEnumerable<string> FindCallbacksDueBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindAsync(CallbacksDueFilter(cutoff), row => row.PartitionKey, cancellationToken);

    /// <summary>
    /// Copies a finished job into its listing entry, so the listing shows it without reading its row, and drops its
    /// work from the ledger, in one transaction, grouped with other jobs finishing at once. The job row is the truth:
    /// if this write is lost, the entry still says unfinished (the listing reads the row) and ForgetFinishedWork drops
    /// the work.
    /// </summary>
    private async Task ListFinishedAsync(JobRecord job, string partition, CancellationToken cancellationToken)
    {
        try
        {
            await IndexWriterOf(partition).WriteAsync([Upsert(ToIndexEntry(job, partition)), Delete(partition, WorkRow(job.Id))], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // A job stored before the ledger, or whose work was dropped already: only the listing changes.
            await _table.UpsertEntityAsync(ToIndexEntry(job, partition), TableUpdateMode.Replace, cancellationToken);
        }
        catch (Exception e) when (StorageFailures.Describe(e) is { } failure)
        {
            // Left to the row, which is written already, and to ForgetFinishedWork.
            StorageLog.ListingLeftToRow(logger, job.Id, failure);
        }
    }

    public Task PurgeAsync(string id, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), select: ["PartitionKey", "RowKey", "CreatedAt"], cancellationToken: cancellationToken))
            rows.Add(row);
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, id + "/", cancellationToken))
            await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);

        // The job row goes last, so a purge cut short is found and finished by the next one.
        foreach (var batch in rows.Where(r => r.RowKey != JobRow).Chunk(TableLimits.MaxBatch))
            await DeleteAllAsync(batch, cancellationToken);
        if (rows.SingleOrDefault(r => r.RowKey == JobRow) is not { } jobRow) return;
        await DeleteIndexEntriesAsync(shards, id, jobRow.GetDateTimeOffset("CreatedAt"), cancellationToken);
        await _table.DeleteEntityAsync(id, JobRow, ETag.All, cancellationToken);
    }, cancellationToken);

    /// <summary>A job's listing, work and send entries, in its index partition; those already gone are no matter.</summary>
    private async Task DeleteIndexEntriesAsync(IndexShards shards, string id, DateTimeOffset? createdAt, CancellationToken cancellationToken)
    {
        var partition = shards.PartitionOf(id);
        await _table.DeleteEntityAsync(partition, IndexRow(createdAt ?? default, id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(partition, WorkRow(id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(partition, SendRow(id), ETag.All, cancellationToken);
    }

    /// <summary>What <paramref name="idOf"/> reads from each row that matches <paramref name="filter"/>: a job's id.</summary>
    private async IAsyncEnumerable<string> FindAsync(string filter, Func<TableEntity, string> idOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var pages = _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        while (await GuardAsync(async () => await pages.MoveNextAsync(), cancellationToken))
        {
            foreach (var row in pages.Current.Values) yield return idOf(row);
        }
    }

    private static TableTransactionAction Upsert(TableEntity entity) => new(TableTransactionActionType.UpsertReplace, entity);

    private static TableTransactionAction Delete(string partition, string row) => new(TableTransactionActionType.Delete, new TableEntity(partition, row), ETag.All);

    /// <summary>The group commit of one index partition (a writer made in a race and not kept never starts).</summary>
    private IndexWriter IndexWriterOf(string partition) => _indexWriters.GetOrAdd(partition, _ => new IndexWriter(_table));

    /// <summary>One entity-group transaction deleting rows of one partition (at most <see cref="TableLimits.MaxBatch"/>).</summary>
    private Task DeleteAllAsync(IEnumerable<ITableEntity> rows, CancellationToken cancellationToken) =>
        _table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);

    private Task GuardAsync(Func<Task> operation, CancellationToken cancellationToken) => GuardAsync(_ => operation(), cancellationToken);

    private Task GuardAsync(Func<IndexShards, Task> operation, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        await operation(shards);
        return true;
    }, cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) => GuardAsync(_ => operation(), cancellationToken);

    /// <summary>
    /// Every operation: the table and container exist first (and the table's index shards are known), and a transient
    /// failure becomes <see cref="StorageUnavailableException"/>.
    /// </summary>
    private Task<T> GuardAsync<T>(Func<IndexShards, Task<T>> operation, CancellationToken cancellationToken) => StorageFailures.GuardAsync(async () =>
    {
        var shards = await storage.EnsureTableAndContainerAsync(cancellationToken);
        return await operation(shards);
    }, cancellationToken);
}
