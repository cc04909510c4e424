namespace Functions.Jobs.Store;

/// <summary>Partials and results: what fits a row stays in it, the rest goes to a blob.</summary>
public interface IJobResults
{
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
}
