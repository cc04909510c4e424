namespace Functions.Jobs.Store;

/// <summary>
/// Where jobs, their ranges and results live; it decides what fits in a row and what goes to a blob. Transient
/// storage failures surface as <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IJobStore
{
    /// <summary>The longest job input, in characters of JSON, the store can keep.</summary>
    int MaxInputLength { get; }

    /// <summary>
    /// Stores a new job, lists it, counts its estimate in the work queued and marks it not yet sent, returning its
    /// version; null when another job with that id exists already. A row this very write stored (its answer lost, the
    /// SDK's retry refused) counts as stored by it.
    /// </summary>
    Task<string?> TryCreateAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>The job's message is on the queue: it is no longer marked not yet sent.</summary>
    Task MarkSentAsync(string id, CancellationToken cancellationToken);

    /// <summary>False while the job is marked not yet sent: its message may never have reached the queue.</summary>
    Task<bool> IsSentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of the jobs marked not yet sent since before <paramref name="cutoff"/>: their submits died or lost their answer.</summary>
    IAsyncEnumerable<string> FindUnsentBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Removes the listing, work and send entries of a job marked not yet sent whose row was never stored.</summary>
    Task ForgetUnsentAsync(string id, CancellationToken cancellationToken);

    Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the job if it still has <paramref name="version"/> and returns its new version; null when another writer
    /// got there first. A job written finished is listed as such from then on, and its estimate leaves the work queued.
    /// </summary>
    Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken);

    /// <summary>Removes everything of a job: its rows, its listing entry and its blobs.</summary>
    Task PurgeAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a range's finished partial, or its progress when <paramref name="partial"/> is null. Writing the same
    /// range twice is harmless, and progress never undoes a range that is done.
    /// </summary>
    Task SaveRangeAsync(string jobId, RangeRecord range, BinaryData? partial, CancellationToken cancellationToken);

    Task<BinaryData> ReadPartialAsync(string jobId, RangeRecord range, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a job's result where it fits: the JSON in the row when it is small enough, content (such as a PNG) and
    /// larger JSON in a blob. Returns the job pointing at it, for the caller's conditional write.
    /// </summary>
    Task<JobRecord> SaveResultAsync(JobRecord job, string json, BinaryData? content, string? contentType, CancellationToken cancellationToken);

    /// <summary>The content of a result stored in a blob; null when it is gone.</summary>
    Task<BinaryData?> ReadResultAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>The job an idempotency key is bound to, with no write; null for a key not used yet.</summary>
    Task<IdempotencyClaim?> FindIdempotencyClaimAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Binds an idempotency key to a job: the first claim wins, later ones get the first claim back.</summary>
    Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>The jobs not yet finished and the core time they are expected to take, by their estimates.</summary>
    Task<QueuedWork> GetQueuedWorkAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drops from the queued work what jobs finished (or gone) without their estimate being dropped (a write lost when
    /// they finished); returns how many.
    /// </summary>
    Task<int> ForgetFinishedWorkAsync(CancellationToken cancellationToken);

    /// <summary>One page of jobs, newest first, starting after <paramref name="continuation"/>.</summary>
    Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken);

    /// <summary>Forgets idempotency keys first used before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Ids of jobs that finished before <paramref name="cutoff"/>.</summary>
    IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <param name="KeyHash">The SHA-256 of the client's Idempotency-Key, so the key itself is never stored.</param>
/// <param name="Fingerprint">The SHA-256 of the request the key was first used with.</param>
public sealed record IdempotencyClaim(string KeyHash, string JobId, string Fingerprint);

public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, string? Continuation);
