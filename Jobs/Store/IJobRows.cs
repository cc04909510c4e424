namespace Functions.Jobs.Store;

/// <summary>Job rows: one per job, the truth of its state, written only with optimistic concurrency.</summary>
public interface IJobRows
{
    /// <summary>The longest job input, in characters of JSON, the store can keep.</summary>
    int MaxInputLength { get; }

    /// <summary>
    /// Stores a new job, lists it, counts its estimate in the work queued and marks it not yet sent, returning its
    /// version; null when another job with that id exists already. A row this very write stored (its answer lost, the
    /// SDK's retry refused) counts as stored by it.
    /// </summary>
    Task<string?> TryCreateAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the job if it still has <paramref name="version"/> and returns its new version; null when another writer
    /// got there first. A job written finished is listed as such from then on, and its estimate leaves the work queued.
    /// </summary>
    Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a finished job's row to record how its callback's delivery went, if it still has <paramref name="version"/>;
    /// null when another writer got there first. The listing is left as it is: it does not show callbacks.
    /// </summary>
    Task<string?> TryWriteCallbackAsync(JobRecord job, string version, CancellationToken cancellationToken);

    /// <summary>Ids of the finished jobs whose callback is pending and was due before <paramref name="cutoff"/>.</summary>
    IAsyncEnumerable<string> FindCallbacksDueBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Removes everything of a job: its rows, its listing entry and its blobs.</summary>
    Task PurgeAsync(string id, CancellationToken cancellationToken);
}
