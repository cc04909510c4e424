using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>Partials and results: in the row when they fit, else in a blob of the results container.</summary>
public sealed partial class TableJobStore
{
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
}
