using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>
/// Jobs in Table storage (<see cref="JobEntities"/> has the rows), with what does not fit a row in Blob storage. Every
/// operation makes sure the table and container exist first, and turns transient failures into
/// <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class TableJobStore(TableServiceClient tables, BlobServiceClient blobs, StorageInitializer storage) : IJobStore
{
    // How many listing entries one list request reads at most while looking for a status.
    private const int MaxListScan = 1000;

    private readonly TableClient _table = tables.GetTableClient(StorageNames.JobsTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);
    private readonly IndexWriter _index = new(tables.GetTableClient(StorageNames.JobsTable));

    /// <summary>The input is one string property of the job row.</summary>
    public int MaxInputLength => TableLimits.MaxStringLength;

    public Task<string?> TryCreateAsync(JobRecord job, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        // The row and, grouped with other submits', the listing entry, the work entry and the send marker are written
        // at once: one round trip of waiting, not two.
        var listed = _index.WriteAsync(
            [Upsert(ToIndexEntry(job)), Upsert(ToWorkEntry(job)), Upsert(ToSendEntry(job))], cancellationToken);
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
            await _table.DeleteEntityAsync(IndexPartition, IndexRow(job.CreatedAt, job.Id), ETag.All, cancellationToken);
            return null;
        }
    }, cancellationToken);

    public Task MarkSentAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(() => _index.WriteAsync([Delete(SendRow(id))], cancellationToken), cancellationToken);

    public Task<bool> IsSentAsync(string id, CancellationToken cancellationToken) => GuardAsync(async () =>
        !(await _table.GetEntityIfExistsAsync<TableEntity>(IndexPartition, SendRow(id), ["RowKey"], cancellationToken)).HasValue, cancellationToken);

    public IAsyncEnumerable<string> FindUnsentBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindAsync(SendFilter(cutoff), row => JobIdOfSend(row.RowKey), cancellationToken);

    public Task ForgetUnsentAsync(string id, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var marker = await _table.GetEntityIfExistsAsync<TableEntity>(IndexPartition, SendRow(id), ["CreatedAt"], cancellationToken);
        if (!marker.HasValue) return;
        await _table.DeleteEntityAsync(IndexPartition, IndexRow(marker.Value!.GetDateTimeOffset("CreatedAt") ?? default, id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(IndexPartition, WorkRow(id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(IndexPartition, SendRow(id), ETag.All, cancellationToken);
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

    public Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken) => GuardAsync(async () =>
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

        if (job.Status.IsFinished()) await ListFinishedAsync(job, cancellationToken);
        return written;
    }, cancellationToken);

    /// <summary>
    /// Copies a finished job into its listing entry, so the listing shows it without reading its row, and drops its
    /// work from the ledger, in one transaction, grouped with other jobs finishing at once. The job row is the truth:
    /// if this write is lost, the entry still says unfinished (the listing reads the row) and ForgetFinishedWork drops
    /// the work.
    /// </summary>
    private async Task ListFinishedAsync(JobRecord job, CancellationToken cancellationToken)
    {
        try
        {
            await _index.WriteAsync([Upsert(ToIndexEntry(job)), new TableTransactionAction(TableTransactionActionType.Delete, ToWorkEntry(job), ETag.All)], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // A job stored before the ledger, or whose work was dropped already: only the listing changes.
            await _table.UpsertEntityAsync(ToIndexEntry(job), TableUpdateMode.Replace, cancellationToken);
        }
        catch (Exception e) when (StorageFailures.Describe(e) is not null)
        {
            // Left to the row, which is written already, and to ForgetFinishedWork.
        }
    }

    public Task PurgeAsync(string id, CancellationToken cancellationToken) => GuardAsync(async () =>
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
        await _table.DeleteEntityAsync(IndexPartition, IndexRow(jobRow.GetDateTimeOffset("CreatedAt") ?? default, id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(IndexPartition, WorkRow(id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(IndexPartition, SendRow(id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(id, JobRow, ETag.All, cancellationToken);
    }, cancellationToken);

    public Task SaveRangeAsync(string jobId, RangeRecord range, BinaryData? partial, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var entity = ToRangeEntity(jobId, range);
        if (partial is null)
        {
            // Progress merges into the row: a duplicate delivery still computing must not undo a range already done.
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
            return;
        }

        entity["EndsSearch"] = range.EndsSearch;
        if (partial.ToMemory().Length <= TableLimits.MaxPropertyBytes) entity["Partial"] = partial.ToArray();
        else entity["PartialBlob"] = await UploadAsync(PartialBlob(jobId, range.Index), partial, "application/octet-stream", cancellationToken);
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }, cancellationToken);

    public Task<BinaryData> ReadPartialAsync(string jobId, RangeRecord range, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var row = await _table.GetEntityAsync<TableEntity>(jobId, RangeRow(range.Index), cancellationToken: cancellationToken);
        return row.Value.GetBinaryData("Partial")
            ?? await DownloadAsync(PartialBlob(jobId, range.Index), cancellationToken)
            ?? throw new InvalidDataException($"Job {jobId} range {range.Index} has no stored partial.");
    }, cancellationToken);

    public Task<JobRecord> SaveResultAsync(JobRecord job, string json, BinaryData? content, string? contentType, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        if (content is not null)
        {
            contentType ??= "application/octet-stream";
            return job with { Result = json, ResultBlob = await UploadAsync(ResultBlob(job.Id), content, contentType, cancellationToken), ResultContentType = contentType };
        }

        if (json.Length <= TableLimits.MaxStringLength) return job with { Result = json };
        const string Json = "application/json";
        return job with { ResultBlob = await UploadAsync(ResultBlob(job.Id), BinaryData.FromString(json), Json, cancellationToken), ResultContentType = Json };
    }, cancellationToken);

    public Task<BinaryData?> ReadResultAsync(string blobName, CancellationToken cancellationToken) =>
        GuardAsync(() => DownloadAsync(blobName, cancellationToken), cancellationToken);

    private async Task<BinaryData?> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<string> UploadAsync(string name, BinaryData content, string contentType, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } };
        await _container.GetBlobClient(name).UploadAsync(content, options, cancellationToken);
        return name;
    }

    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(IdempotencyClaim claim, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(IdempotencyPartition, claim.KeyHash) { ["JobId"] = claim.JobId, ["Fingerprint"] = claim.Fingerprint }, cancellationToken);
            return claim;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var first = (await _table.GetEntityAsync<TableEntity>(IdempotencyPartition, claim.KeyHash, cancellationToken: cancellationToken)).Value;
            return new IdempotencyClaim(claim.KeyHash, first.GetString("JobId"), first.GetString("Fingerprint"));
        }
    }, cancellationToken);

    public Task<IdempotencyClaim?> FindIdempotencyClaimAsync(string keyHash, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(IdempotencyPartition, keyHash, cancellationToken: cancellationToken);
        return row.HasValue ? new IdempotencyClaim(keyHash, row.Value!.GetString("JobId"), row.Value!.GetString("Fingerprint")) : null;
    }, cancellationToken);

    /// <summary>
    /// Reads the listing partition a page at a time. A finished job's entry carries what the listing shows; only the
    /// entries of jobs that may still change cost a read of their row, all of one page at once.
    /// </summary>
    public Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var filter = ListingFilter(continuation);
        var jobs = new List<JobRecord>();
        string? last = null;
        var scanned = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: TableLimits.MaxBatch, cancellationToken: cancellationToken).AsPages())
        {
            var listed = await Task.WhenAll(page.Values.Select(entry => ListedJobAsync(entry, cancellationToken)));
            for (var i = 0; i < listed.Length; i++)
            {
                last = page.Values[i].RowKey;
                scanned++;
                if (listed[i] is { } job && (status is null || job.Status == status)) jobs.Add(job);
                if (jobs.Count == top) return new JobPage(jobs, last);
            }

            // A rare status may be far back: answer what was found and let the caller continue from here.
            if (scanned >= MaxListScan) return new JobPage(jobs, page.ContinuationToken is null ? null : last);
            if (page.ContinuationToken is null) return new JobPage(jobs, null);
        }

        return new JobPage(jobs, null);
    }, cancellationToken);

    private async Task<JobRecord?> ListedJobAsync(TableEntity entry, CancellationToken cancellationToken)
    {
        if (FinishedJobOf(entry) is { } finished) return finished;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(entry.GetString("JobId"), JobRow, cancellationToken: cancellationToken);
        return row.HasValue ? ToJob(row.Value!) : null;
    }

    public Task<QueuedWork> GetQueuedWorkAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var seconds = 0.0;
        var jobs = new HashSet<string>();
        await foreach (var entry in _table.QueryAsync<TableEntity>(WorkFilter, select: ["RowKey", "CoreSeconds"], cancellationToken: cancellationToken))
        {
            seconds += entry.GetDouble("CoreSeconds") ?? 0;
            jobs.Add(JobIdOfWork(entry.RowKey));
        }

        return new QueuedWork(TimeSpan.FromSeconds(seconds), jobs);
    }, cancellationToken);

    public Task<int> ForgetFinishedWorkAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var forgotten = 0;
        await foreach (var entry in _table.QueryAsync<TableEntity>(WorkFilter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            var job = await _table.GetEntityIfExistsAsync<TableEntity>(JobIdOfWork(entry.RowKey), JobRow, ["Status"], cancellationToken);
            if (job.HasValue && !Enum.Parse<JobStatus>(job.Value!.GetString("Status")).IsFinished()) continue;
            await _table.DeleteEntityAsync(IndexPartition, entry.RowKey, ETag.All, cancellationToken);
            forgotten++;
        }

        return forgotten;
    }, cancellationToken);

    public Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IdempotencyPartition} and Timestamp lt {cutoff}");
        var purged = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: TableLimits.MaxBatch, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count == 0) continue;
            await DeleteAllAsync(page.Values, cancellationToken);
            purged += page.Values.Count;
        }

        return purged;
    }, cancellationToken);

    public IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindAsync(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and CompletedAt lt {cutoff}"), row => row.PartitionKey, cancellationToken);

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

    private static TableTransactionAction Delete(string indexRow) => new(TableTransactionActionType.Delete, new TableEntity(IndexPartition, indexRow), ETag.All);

    /// <summary>One entity-group transaction deleting rows of one partition (at most <see cref="TableLimits.MaxBatch"/>).</summary>
    private Task DeleteAllAsync(IEnumerable<ITableEntity> rows, CancellationToken cancellationToken) =>
        _table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);

    private Task GuardAsync(Func<Task> operation, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await operation();
        return true;
    }, cancellationToken);

    /// <summary>Every operation: the table and container exist first, and a transient failure becomes <see cref="StorageUnavailableException"/>.</summary>
    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) => StorageFailures.GuardAsync(async () =>
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        return await operation();
    }, cancellationToken);
}
