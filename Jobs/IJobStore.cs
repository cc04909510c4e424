namespace Functions.Jobs;

/// <summary>Where jobs, their ranges and results live. The Azure SDK is used behind this interface only.</summary>
public interface IJobStore
{
    Task CreateAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the job if it still has <paramref name="version"/> and returns its new version; null when another writer got there first.</summary>
    Task<string?> TryReplaceAsync(JobRecord job, string version, CancellationToken cancellationToken);

    Task DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Writes a range's progress or its finished partial; writing the same range twice is harmless.</summary>
    Task SaveRangeAsync(string jobId, RangeRecord range, CancellationToken cancellationToken);

    /// <summary>Stores result content under a name derived from the job id and returns that name.</summary>
    Task<string> SaveResultAsync(string jobId, BinaryData content, string contentType, CancellationToken cancellationToken);

    Task<BinaryData?> ReadResultAsync(string blobName, CancellationToken cancellationToken);
}
