using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Functions.Jobs;

/// <summary>
/// Jobs in Table storage, one partition per job: the row "job" holds the state, rows "range-NNNNN" hold each
/// invocation's progress and partial, so a status read is one partition query. Large values go to Blob storage.
/// </summary>
public sealed class TableJobStore(TableServiceClient tables, BlobServiceClient blobs, StorageInitializer storage) : IJobStore
{
    private const string JobRow = "job";
    private const string RangeRowPrefix = "range-";

    // A table property holds at most 64 KiB; larger partials go to a blob.
    private const int MaxInlineBytes = 48 * 1024;

    private readonly TableClient _table = tables.GetTableClient(StorageNames.JobsTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);

    public async Task CreateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        await _table.AddEntityAsync(ToEntity(job), cancellationToken);
    }

    public async Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAndContainerAsync(cancellationToken);
        TableEntity? jobRow = null;
        var ranges = new List<RangeRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == JobRow) jobRow = entity;
            else if (entity.RowKey.StartsWith(RangeRowPrefix, StringComparison.Ordinal)) ranges.Add(await ToRangeAsync(entity, cancellationToken));
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

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _table.DeleteEntityAsync(id, JobRow, ETag.All, cancellationToken);
    }

    public async Task SaveRangeAsync(string jobId, RangeRecord range, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(jobId, RangeRowPrefix + range.Index.ToString("D5"))
        {
            ["FirstChunk"] = range.FirstChunk,
            ["EndChunk"] = range.EndChunk,
            ["ChunksDone"] = range.ChunksDone,
        };
        if (range.Partial is { } partial)
        {
            if (partial.ToMemory().Length <= MaxInlineBytes) entity["Partial"] = partial.ToArray();
            else entity["PartialBlob"] = await UploadAsync($"{jobId}/partials/{range.Index:D5}", partial, "application/octet-stream", cancellationToken);
        }

        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
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

    private async Task<RangeRecord> ToRangeAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var partial = entity.GetBinaryData("Partial");
        if (partial is null && entity.GetString("PartialBlob") is { } blob)
            partial = await ReadResultAsync(blob, cancellationToken) ?? throw new InvalidDataException($"Partial blob {blob} is missing.");
        return new RangeRecord(
            int.Parse(entity.RowKey.AsSpan(RangeRowPrefix.Length)),
            entity.GetInt32("FirstChunk") ?? 0,
            entity.GetInt32("EndChunk") ?? 0,
            entity.GetInt32("ChunksDone") ?? 0,
            partial);
    }

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
