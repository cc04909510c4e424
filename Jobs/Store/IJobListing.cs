namespace Functions.Jobs.Store;

/// <summary>The listing: every job, newest first, by one entry each that a finished job's state is copied into.</summary>
public interface IJobListing
{
    /// <summary>One page of jobs, newest first, starting after <paramref name="continuation"/>.</summary>
    Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken);

    /// <summary>Ids of jobs that finished before <paramref name="cutoff"/>.</summary>
    IAsyncEnumerable<string> FindFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, string? Continuation);
