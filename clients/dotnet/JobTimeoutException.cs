namespace ComputeFunctions.Client;

/// <summary>A job was still queued or running when the time a caller gave for waiting on it ran out.</summary>
public sealed class JobTimeoutException : TimeoutException
{
    /// <summary>An exception for <paramref name="job"/>, not finished after <paramref name="timeout"/>.</summary>
    public JobTimeoutException(Job job, TimeSpan timeout, Exception? innerException = null)
        : base($"Job {job.Id} is still {job.Status} after {timeout.TotalSeconds:0.###} s.", innerException)
    {
        Job = job;
        Timeout = timeout;
    }

    /// <summary>The job as last seen; its id still reaches it.</summary>
    public Job Job { get; }

    /// <summary>The time the caller gave.</summary>
    public TimeSpan Timeout { get; }
}
