namespace ComputeFunctions.Client;

/// <summary>A job was still queued or running when the time a caller gave for waiting on it ran out.</summary>
public sealed class JobTimeoutException : TimeoutException
{
    /// <summary>An exception for job <paramref name="jobId"/>, not finished after <paramref name="timeout"/>.</summary>
    public JobTimeoutException(string jobId, Job? lastSeen, TimeSpan timeout, Exception? innerException = null)
        : base($"Job {jobId} is {(lastSeen is null ? "not known to have finished" : $"still {lastSeen.Status}")} after {timeout.TotalSeconds:0.###} s.", innerException)
    {
        JobId = jobId;
        LastSeen = lastSeen;
        Timeout = timeout;
    }

    /// <summary>The job's id: it goes on, and can be waited for again.</summary>
    public string JobId { get; }

    /// <summary>The job as last seen; null when no answer about it came in time.</summary>
    public Job? LastSeen { get; }

    /// <summary>The time the caller gave.</summary>
    public TimeSpan Timeout { get; }
}
