namespace Functions.Jobs.Store;

/// <summary>
/// Storage, or the app's access to it, failed in a way that may mend by itself: it did not answer, was busy, or
/// refused the app's identity for now. The store and the queue throw it in place of the SDK's own failures, so the
/// callers (HTTP 503, the health probe, the queue's retry) need not know the SDK.
/// </summary>
/// <param name="Unanswered">
/// True when storage took the request and gave no answer in time (a timeout), so it may have done it; false when it
/// refused or could not be reached, so it did not.
/// </param>
public sealed class StorageUnavailableException(string message, bool unanswered, Exception? inner = null) : Exception(message, inner)
{
    public bool Unanswered { get; } = unanswered;
}
