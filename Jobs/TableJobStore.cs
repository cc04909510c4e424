using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Functions.Jobs;

/// <summary>
/// Jobs in Table storage, one partition per job: the row "job" holds the state, rows "range-NNNNN" hold each
/// invocation's progress and partial, so a status read is one partition query. Large values go to Blob storage.
/// The partition "index" lists jobs newest first; the partition "idempotency" maps hashed keys to jobs.
/// </summary>
public sealed class TableJobStore(TableServiceClient tables, BlobServiceClient blobs, StorageInitializer storage) : IJobStore
{
    private const string JobRow = "job";
    private const string RangeRowPrefix = "range-";
    private const string IndexPartition = "index";
    private const string IdempotencyPartition = "idempotency";

    // How many listing entries one list request reads at most while looking for a status.
    private const int MaxListScan = 1000;

    // A table property holds at most 64 KiB; larger partials go to a blob.
    private const int MaxInlineBytes = 48 * 1024;

    private readonly TableClient _table = tables.GetTableClient(StorageNames.JobsTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);

    public async Task<string?> TryCreateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(IndexPartition, IndexRow(job)) { ["JobId"] = job.Id }, TableUpdateMode.Replace, cancellationToken);
        try
        {
            var response = await _table.AddEntityAsync(ToEntity(job), cancellationToken);
            return response.Headers.ETag?.ToString() ?? "";
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The SDK retried our own write after its answer was lost: the row is ours, carry on with it.
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(job.Id, JobRow, ["CreatedAt"], cancellationToken);
            if (existing.HasValue && IsSameInstant(existing.Value!.GetDateTimeOffset("CreatedAt"), job.CreatedAt))
                return existing.Value!.ETag.ToString();

            // Another submit with the same idempotency key stored the job first: its listing entry is the one to keep.
            await _table.DeleteEntityAsync(IndexPartition, IndexRow(job), ETag.All, cancellationToken);
            return null;
        }
    }

    // A stored time may come back rounded; two submits of one key within the same millisecond count as one.
    private static bool IsSameInstant(DateTimeOffset? stored, DateTimeOffset written) =>
        stored is { } value && (value - written).Duration() < TimeSpan.FromMilliseconds(1);

    public async Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        TableEntity? jobRow = null;
        var ranges = new List<RangeRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == JobRow) jobRow = entity;
            else if (entity.RowKey.StartsWith(RangeRowPrefix, StringComparison.Ordinal)) ranges.Add(ToRange(entity));
        }

        return jobRow is null ? null : new JobSnapshot(ToJob(jobRow), jobRow.ETag.ToString(), ranges);
    }

    public async Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(job), new ETag(version), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<bool> TryDeleteUnstartedAsync(JobRecord job, string version, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(job.Id, JobRow, new ETag(version), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }

        await _table.DeleteEntityAsync(IndexPartition, IndexRow(job), ETag.All, cancellationToken);
        return true;
    }

    public async Task PurgeAsync(string id, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), select: ["PartitionKey", "RowKey", "CreatedAt"], cancellationToken: cancellationToken))
            rows.Add(row);
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, id + "/", cancellationToken))
            await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);

        // The job row goes last, so a purge cut short is found and finished by the next one.
        foreach (var batch in rows.Where(r => r.RowKey != JobRow).Chunk(100))
            await _table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
        if (rows.SingleOrDefault(r => r.RowKey == JobRow) is not { } jobRow) return;
        await _table.DeleteEntityAsync(IndexPartition, IndexRow(jobRow.GetDateTimeOffset("CreatedAt") ?? default, id), ETag.All, cancellationToken);
        await _table.DeleteEntityAsync(id, JobRow, ETag.All, cancellationToken);
    }

    public async Task SaveRangeAsync(string jobId, RangeRecord range, BinaryData? partial, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(jobId, RangeRowPrefix + range.Index.ToString("D5"))
        {
            ["FirstChunk"] = range.FirstChunk,
            ["EndChunk"] = range.EndChunk,
            ["ChunksDone"] = range.ChunksDone,
        };
        if (partial is null)
        {
            // Progress merges into the row: a duplicate delivery still computing must not undo a range already done.
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
            return;
        }

        entity["EndsSearch"] = range.EndsSearch;
        if (partial.ToMemory().Length <= MaxInlineBytes) entity["Partial"] = partial.ToArray();
        else entity["PartialBlob"] = await UploadAsync(PartialBlob(jobId, range.Index), partial, "application/octet-stream", cancellationToken);
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<BinaryData> ReadPartialAsync(string jobId, RangeRecord range, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityAsync<TableEntity>(jobId, RangeRowPrefix + range.Index.ToString("D5"), cancellationToken: cancellationToken);
        return row.Value.GetBinaryData("Partial")
            ?? await ReadResultAsync(PartialBlob(jobId, range.Index), cancellationToken)
            ?? throw new InvalidDataException($"Job {jobId} range {range.Index} has no stored partial.");
    }

    public Task<string> SaveResultAsync(string jobId, BinaryData content, string contentType, CancellationToken cancellationToken) =>
        UploadAsync($"{jobId}/result", content, contentType, cancellationToken);

    public async Task<BinaryData?> ReadResultAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<string> UploadAsync(string name, BinaryData content, string contentType, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } };
        await _container.GetBlobClient(name).UploadAsync(content, options, cancellationToken);
        return name;
    }

    public async Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
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
    }

    public async Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        var filter = continuation is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition} and RowKey gt {continuation}");
        var jobs = new List<JobRecord>();
        string? last = null;
        var scanned = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 100, cancellationToken: cancellationToken).AsPages())
        {
            var rows = await Task.WhenAll(page.Values.Select(entry => _table.GetEntityIfExistsAsync<TableEntity>(entry.GetString("JobId"), JobRow, cancellationToken: cancellationToken)));
            for (var i = 0; i < rows.Length; i++)
            {
                last = page.Values[i].RowKey;
                scanned++;
                if (rows[i].HasValue && ToJob(rows[i].Value!) is var job && (status is null || job.Status == status)) jobs.Add(job);
                if (jobs.Count == top) return new JobPage(jobs, last);
            }

            // A rare status may be far back: answer what was found and let the caller continue from here.
            if (scanned >= MaxListScan) return new JobPage(jobs, page.ContinuationToken is null ? null : last);
            if (page.ContinuationToken is null) return new JobPage(jobs, null);
        }

        return new JobPage(jobs, null);
    }

    public async Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IdempotencyPartition} and Timestamp lt {cutoff}");
        var purged = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 100, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count == 0) continue;
            await _table.SubmitTransactionAsync(page.Values.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            purged += page.Values.Count;
        }

        return purged;
    }

    public IAsyncEnumerable<string> FindQueuedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindJobsAsync(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and Status eq {JobStatus.Queued.ToString()} and CreatedAt lt {cutoff}"), cancellationToken);

    public IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindJobsAsync(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and CompletedAt lt {cutoff}"), cancellationToken);

    /// <summary>The ids of the jobs whose rows match <paramref name="filter"/>, across every job's partition.</summary>
    private async IAsyncEnumerable<string> FindJobsAsync(string filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
            yield return row.PartitionKey;
    }

    private static RangeRecord ToRange(TableEntity entity) => new(
        int.Parse(entity.RowKey.AsSpan(RangeRowPrefix.Length)),
        entity.GetInt32("FirstChunk") ?? 0,
        entity.GetInt32("EndChunk") ?? 0,
        entity.GetInt32("ChunksDone") ?? 0,
        entity.ContainsKey("Partial") || entity.ContainsKey("PartialBlob"),
        entity.GetBoolean("EndsSearch") ?? false);

    private static string PartialBlob(string jobId, int range) => $"{jobId}/partials/{range:D5}";

    private static string IndexRow(JobRecord job) => IndexRow(job.CreatedAt, job.Id);

    // Inverted ticks sort the newest job first.
    private static string IndexRow(DateTimeOffset createdAt, string id) => $"{DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks:D19}-{id}";

    private static TableEntity ToEntity(JobRecord job) => new(job.Id, JobRow)
    {
        ["Kind"] = job.Kind,
        ["Input"] = job.Input,
        ["Status"] = job.Status.ToString(),
        ["CreatedAt"] = job.CreatedAt,
        ["StartedAt"] = job.StartedAt,
        ["CompletedAt"] = job.CompletedAt,
        ["ChunkCount"] = job.ChunkCount,
        ["RangeCount"] = job.RangeCount,
        ["Result"] = job.Result,
        ["ResultBlob"] = job.ResultBlob,
        ["ResultContentType"] = job.ResultContentType,
        ["ErrorCode"] = job.Error?.Code,
        ["ErrorMessage"] = job.Error?.Message,
    };

    private static JobRecord ToJob(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetString("Kind"),
        entity.GetString("Input"),
        Enum.Parse<JobStatus>(entity.GetString("Status")),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("StartedAt"),
        entity.GetDateTimeOffset("CompletedAt"),
        entity.GetInt32("ChunkCount") ?? 0,
        entity.GetInt32("RangeCount") ?? 0,
        entity.GetString("Result"),
        entity.GetString("ResultBlob"),
        entity.GetString("ResultContentType"),
        entity.GetString("ErrorCode") is { } code ? new JobError(code, entity.GetString("ErrorMessage") ?? "") : null);
}
