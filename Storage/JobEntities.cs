using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Submit;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>
/// The rows of the jobs table. One partition per job: the row <c>job</c> holds its state and rows <c>range-NNNNN</c>
/// each range's progress and partial, so a status read is one partition query. The index partitions (<c>index</c>,
/// <c>index-1</c>, … as <see cref="IndexShards"/> spreads them) list jobs newest first (inverted ticks), each entry a
/// copy of its job once it has finished; the partition <c>idempotency</c> maps hashed keys to jobs.
/// </summary>
internal static class JobEntities
{
    public const string JobRow = "job";
    public const string IndexPartition = "index";
    public const string IdempotencyPartition = "idempotency";
    private const string RangeRowPrefix = "range-";

    // The work ledger and the send markers live in the job's index partition, so an entry and its job's listing entry
    // change in one transaction. Listing entries start with digits, which sort before ':' and so before every other prefix.
    private const string WorkRowPrefix = "work-";
    private const string SendRowPrefix = "send-";
    private const string AfterListing = ":";

    public static string WorkRow(string jobId) => WorkRowPrefix + jobId;

    /// <summary>A send marker: the job's message may not be on the queue yet. Written with the job, removed once it is sent.</summary>
    public static string SendRow(string jobId) => SendRowPrefix + jobId;

    /// <summary>An index partition's listing entries only.</summary>
    public static string ListingFilter(string partition, string? after) => after is null
        ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {AfterListing}")
        : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {AfterListing}");

    /// <summary>An index partition's send markers written before <paramref name="cutoff"/>.</summary>
    public static string SendFilter(string partition, DateTimeOffset cutoff) => TableClient.CreateQueryFilter(
        $"PartitionKey eq {partition} and RowKey ge {SendRowPrefix} and RowKey lt {"send."} and CreatedAt lt {cutoff}");

    public static string JobIdOfSend(string sendRow) => sendRow[SendRowPrefix.Length..];

    public static TableEntity ToSendEntry(JobRecord job, string partition) => new(partition, SendRow(job.Id)) { ["CreatedAt"] = job.CreatedAt };

    /// <summary>An index partition's share of the work ledger: one entry per job not yet finished, holding its expected core-seconds.</summary>
    public static string WorkFilter(string partition) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {WorkRowPrefix} and RowKey lt {"work."}");

    public static string JobIdOfWork(string workRow) => workRow[WorkRowPrefix.Length..];

    public static TableEntity ToWorkEntry(JobRecord job, string partition) => new(partition, WorkRow(job.Id)) { ["CoreSeconds"] = job.Estimate?.CoreSeconds ?? 0 };

    public static string RangeRow(int index) => RangeRowPrefix + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>A job's range rows.</summary>
    public static string RangeFilter(string jobId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {jobId} and RowKey ge {RangeRowPrefix} and RowKey lt {"range."}");


    public static string PartialBlob(string jobId, int range) => $"{jobId}/partials/{range.ToString("D5", CultureInfo.InvariantCulture)}";

    public static string ResultBlob(string jobId) => $"{jobId}/result";

    /// <summary>Inverted ticks sort the newest job first; the id keeps two jobs of the same tick apart.</summary>
    public static string IndexRow(DateTimeOffset createdAt, string id) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + id;

    /// <summary>
    /// The job row. Its callback is one JSON column, and while the callback's delivery is pending <c>CallbackDueAt</c>
    /// says when its next attempt is due, for <see cref="CallbacksDueFilter"/>. The listing entry keeps neither.
    /// </summary>
    public static TableEntity ToEntity(JobRecord job) => WithState(new TableEntity(job.Id, JobRow)
    {
        ["Input"] = job.Input,
        ["TraceParent"] = job.TraceParent,
        ["Callback"] = job.Callback is { } callback ? JsonSerializer.Serialize(callback, JobJson.Options) : null,
        ["CallbackDueAt"] = job.Callback?.Delivery is { State: CallbackState.Pending, NextAttemptAt: { } due } ? due : null,
    }, job);

    /// <summary>Job rows whose callback is pending and was due before <paramref name="cutoff"/>.</summary>
    public static string CallbacksDueFilter(DateTimeOffset cutoff) =>
        TableClient.CreateQueryFilter($"RowKey eq {JobRow} and CallbackDueAt lt {cutoff}");

    /// <summary>The listing entry: who the job is and, once it has finished, everything the listing shows of it.</summary>
    public static TableEntity ToIndexEntry(JobRecord job, string partition) =>
        WithState(new TableEntity(partition, IndexRow(job.CreatedAt, job.Id)) { ["JobId"] = job.Id }, job);

    /// <summary>The job an index entry copies, when it is final; null while the job may still change (read its row).</summary>
    public static JobRecord? FinishedJobOf(TableEntity indexEntry) =>
        Enum.TryParse<JobStatus>(indexEntry.GetString("Status"), out var status) && status.IsFinished()
            ? ToJob(indexEntry, indexEntry.GetString("JobId"))
            : null;

    public static JobRecord ToJob(TableEntity entity) => ToJob(entity, entity.PartitionKey);

    public static RangeRecord ToRange(TableEntity entity) => new(
        int.Parse(entity.RowKey.AsSpan(RangeRowPrefix.Length), CultureInfo.InvariantCulture),
        entity.GetInt32("FirstChunk") ?? 0,
        entity.GetInt32("EndChunk") ?? 0,
        entity.GetInt32("ChunksDone") ?? 0,
        entity.ContainsKey("Partial") || entity.ContainsKey("PartialBlob"),
        entity.GetBoolean("EndsSearch") ?? false);

    public static TableEntity ToRangeEntity(string jobId, RangeRecord range) => new(jobId, RangeRow(range.Index))
    {
        ["FirstChunk"] = range.FirstChunk,
        ["EndChunk"] = range.EndChunk,
        ["ChunksDone"] = range.ChunksDone,
    };

    private static TableEntity WithState(TableEntity entity, JobRecord job)
    {
        entity["Kind"] = job.Kind;
        entity["Status"] = job.Status.ToString();
        entity["CreatedAt"] = job.CreatedAt;
        entity["StartedAt"] = job.StartedAt;
        entity["CompletedAt"] = job.CompletedAt;
        entity["ChunkCount"] = job.ChunkCount;
        entity["RangeCount"] = job.RangeCount;
        entity["Result"] = job.Result;
        entity["ResultBlob"] = job.ResultBlob;
        entity["ResultContentType"] = job.ResultContentType;
        entity["ErrorCode"] = job.Error?.Code;
        entity["ErrorMessage"] = job.Error is { } error ? Fit(error.Message) : null;
        entity["EstimatedCoreSeconds"] = job.Estimate?.CoreSeconds;
        entity["WorstCoreSeconds"] = job.Estimate?.WorstCoreSeconds;
        entity["EstimatedRanges"] = job.Estimate?.Ranges;
        entity["BudgetCoreSeconds"] = job.Estimate?.BudgetCoreSeconds;
        return entity;
    }

    private static string Fit(string text) => text.Length <= TableLimits.MaxStringLength ? text : text[..TableLimits.MaxStringLength];

    private static JobRecord ToJob(TableEntity entity, string id) => new(
        id,
        entity.GetString("Kind"),
        entity.GetString("Input") ?? "{}",
        Enum.Parse<JobStatus>(entity.GetString("Status")),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("StartedAt"),
        entity.GetDateTimeOffset("CompletedAt"),
        entity.GetInt32("ChunkCount") ?? 0,
        entity.GetInt32("RangeCount") ?? 0,
        entity.GetString("Result"),
        entity.GetString("ResultBlob"),
        entity.GetString("ResultContentType"),
        entity.GetString("ErrorCode") is { } code ? new JobError(code, entity.GetString("ErrorMessage") ?? "") : null,
        entity.GetDouble("EstimatedCoreSeconds") is { } expected
            ? new JobEstimate(expected, entity.GetDouble("WorstCoreSeconds") ?? expected, entity.GetInt32("EstimatedRanges") ?? 1, entity.GetDouble("BudgetCoreSeconds") ?? 0)
            : null,
        entity.GetString("Callback") is { } callback ? JsonSerializer.Deserialize<JobCallback>(callback, JobJson.Options) : null,
        entity.GetString("TraceParent"));
}
