namespace Functions.Jobs.Store;

/// <summary>Send marks: a job stored but whose message is not known to be on the queue yet.</summary>
public interface ISendMarks
{
    /// <summary>The job's message is on the queue: it is no longer marked not yet sent.</summary>
    Task MarkSentAsync(string id, CancellationToken cancellationToken);

    /// <summary>False while the job is marked not yet sent: its message may never have reached the queue.</summary>
    Task<bool> IsSentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of the jobs marked not yet sent since before <paramref name="cutoff"/>: their submits died or lost their answer.</summary>
    IAsyncEnumerable<string> FindUnsentBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Removes the listing, work and send entries of a job marked not yet sent whose row was never stored.</summary>
    Task ForgetUnsentAsync(string id, CancellationToken cancellationToken);
}
