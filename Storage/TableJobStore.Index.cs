using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>
/// The index partitions: the listing, the work ledger and the send marks, each job's in the partition
/// <see cref="IndexShards"/> gives it, written through that partition's <see cref="IndexWriter"/>. What reads them all
/// reads every partition: the listing merges them into one order.
/// </summary>
public sealed partial class TableJobStore
{
    // How many listing entries one list request reads at most while looking for a status.
    private const int MaxListScan = 1000;

    public Task MarkSentAsync(string id, CancellationToken cancellationToken) => GuardAsync(shards =>
    {
        var partition = shards.PartitionOf(id);
        return IndexWriterOf(partition).WriteAsync([Delete(partition, SendRow(id))], cancellationToken);
    }, cancellationToken);

    public Task<bool> IsSentAsync(string id, CancellationToken cancellationToken) => GuardAsync(async shards =>
        !(await _table.GetEntityIfExistsAsync<TableEntity>(shards.PartitionOf(id), SendRow(id), ["RowKey"], cancellationToken)).HasValue, cancellationToken);

    public IAsyncEnumerable<string> FindUnsentBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindInIndexAsync(partition => SendFilter(partition, cutoff), row => JobIdOfSend(row.RowKey), cancellationToken);

    public Task ForgetUnsentAsync(string id, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        var marker = await _table.GetEntityIfExistsAsync<TableEntity>(shards.PartitionOf(id), SendRow(id), ["CreatedAt"], cancellationToken);
        if (marker.HasValue) await DeleteIndexEntriesAsync(shards, id, marker.Value!.GetDateTimeOffset("CreatedAt"), cancellationToken);
    }, cancellationToken);

    /// <summary>
    /// Reads the listing a page at a time, in one order across the index partitions. A finished job's entry carries
    /// what the listing shows; only the entries of jobs that may still change cost a read of their row, all of one
    /// page at once.
    /// </summary>
    public Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        var jobs = new List<JobRecord>();
        string? last = null;
        var scanned = 0;
        await foreach (var page in ListingAsync(shards, continuation, cancellationToken).Chunk(TableLimits.MaxBatch).WithCancellation(cancellationToken))
        {
            var listed = await Task.WhenAll(page.Select(entry => ListedJobAsync(entry, cancellationToken)));
            for (var i = 0; i < listed.Length; i++)
            {
                last = page[i].RowKey;
                scanned++;
                if (listed[i] is { } job && (status is null || job.Status == status)) jobs.Add(job);
                if (jobs.Count == top) return new JobPage(jobs, last);
            }

            // A rare status may be far back: answer what was found and let the caller continue from here.
            if (scanned >= MaxListScan) return new JobPage(jobs, page.Length < TableLimits.MaxBatch ? null : last);
        }

        return new JobPage(jobs, null);
    }, cancellationToken);

    /// <summary>
    /// Every index partition's listing entries after <paramref name="after"/>, newest first: each partition's query is
    /// in that order already, so the next entry is always the least of their heads.
    /// </summary>
    private async IAsyncEnumerable<TableEntity> ListingAsync(IndexShards shards, string? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var heads = shards.Partitions
            .Select(partition => _table.QueryAsync<TableEntity>(ListingFilter(partition, after), maxPerPage: TableLimits.MaxBatch, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken))
            .ToList();
        try
        {
            var started = await Task.WhenAll(heads.Select(head => head.MoveNextAsync().AsTask()));
            var live = heads.Where((_, i) => started[i]).ToList();
            while (live.Count > 0)
            {
                var next = live.MinBy(head => head.Current.RowKey, StringComparer.Ordinal)!;
                yield return next.Current;
                if (!await next.MoveNextAsync()) live.Remove(next);
            }
        }
        finally
        {
            foreach (var head in heads) await head.DisposeAsync();
        }
    }

    private async Task<JobRecord?> ListedJobAsync(TableEntity entry, CancellationToken cancellationToken)
    {
        if (FinishedJobOf(entry) is { } finished) return finished;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(entry.GetString("JobId"), JobRow, cancellationToken: cancellationToken);
        return row.HasValue ? ToJob(row.Value!) : null;
    }

    public Task<QueuedWork> GetQueuedWorkAsync(CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        var entries = await Task.WhenAll(shards.Partitions.Select(async partition =>
        {
            var work = new List<TableEntity>();
            await foreach (var entry in _table.QueryAsync<TableEntity>(WorkFilter(partition), select: ["RowKey", "CoreSeconds"], cancellationToken: cancellationToken))
                work.Add(entry);
            return work;
        }));

        var all = entries.SelectMany(work => work).ToList();
        return new QueuedWork(TimeSpan.FromSeconds(all.Sum(entry => entry.GetDouble("CoreSeconds") ?? 0)), all.Select(entry => JobIdOfWork(entry.RowKey)).ToHashSet());
    }, cancellationToken);

    public Task<int> ForgetFinishedWorkAsync(CancellationToken cancellationToken) => GuardAsync(async shards =>
    {
        var forgotten = 0;
        foreach (var partition in shards.Partitions)
        {
            await foreach (var entry in _table.QueryAsync<TableEntity>(WorkFilter(partition), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                var job = await _table.GetEntityIfExistsAsync<TableEntity>(JobIdOfWork(entry.RowKey), JobRow, ["Status"], cancellationToken);
                if (job.HasValue && !Enum.Parse<JobStatus>(job.Value!.GetString("Status")).IsFinished()) continue;
                await _table.DeleteEntityAsync(partition, entry.RowKey, ETag.All, cancellationToken);
                forgotten++;
            }
        }

        return forgotten;
    }, cancellationToken);

    public IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        FindAsync(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and CompletedAt lt {cutoff}"), row => row.PartitionKey, cancellationToken);

    /// <summary>What <paramref name="idOf"/> reads from each index entry that matches its partition's filter, partition after partition.</summary>
    private async IAsyncEnumerable<string> FindInIndexAsync(Func<string, string> filterOf, Func<TableEntity, string> idOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var shards = await GuardAsync(shards => Task.FromResult(shards), cancellationToken);
        foreach (var partition in shards.Partitions)
        {
            await foreach (var id in FindAsync(filterOf(partition), idOf, cancellationToken)) yield return id;
        }
    }
}
