namespace Functions.Jobs.Callbacks;

/// <summary>
/// Delivers a pending callback now, on this instance, beside the queue message that backs it up: the queue's listener
/// may take up to its polling interval to see the message, the instance that ended the job knows at once.
/// </summary>
public interface ICallbackDispatcher
{
    /// <summary>Hands the job's callback over without waiting for it; one dropped here is still delivered from the queue.</summary>
    void Dispatch(string jobId);
}
