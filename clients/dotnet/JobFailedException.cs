namespace ComputeFunctions.Client;

/// <summary>A job the caller asked the result of ended <c>failed</c> or <c>canceled</c> instead of succeeding.</summary>
public sealed class JobFailedException : Exception
{
    /// <summary>An exception for <paramref name="job"/>, which finished without succeeding.</summary>
    public JobFailedException(Job job)
        : base(Describe(job))
    {
        Job = job;
    }

    /// <summary>The job as last seen, with its <see cref="Job.Status"/> and <see cref="Job.Error"/>.</summary>
    public Job Job { get; }

    private static string Describe(Job job) =>
        job.Error is { } error
            ? $"Job {job.Id} ended {job.Status}: {error.Code}: {error.Message}"
            : $"Job {job.Id} ended {job.Status}.";
}
