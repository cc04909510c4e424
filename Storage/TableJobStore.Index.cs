using Azure.Data.Tables;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>The index partition: the listing, the work ledger and the send marks, written through <see cref="IndexWriter"/>.</summary>
public sealed partial class TableJobStore
{
    // How many listing entries one list request reads at most while looking for a status.
    private const int MaxListScan = 1000;

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

    public IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindAsync(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and CompletedAt lt {cutoff}"), row => row.PartitionKey, cancellationToken);
}
