using Azure.Identity;
using Azure;
using Functions.Jobs.Store;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>
/// Turns the SDK's failures that retrying later can mend into <see cref="StorageUnavailableException"/>: no answer,
/// a timeout, throttling, a server error, or the identity refused for now (403 while roles propagate, no token). A
/// refusal retrying cannot mend (400, 404, 409, 412 not handled by the store) is a bug and stays what it is.
/// </summary>
internal static class StorageFailures
{
    /// <summary>Runs a storage operation, translating its transient failures; the caller's own cancellation stays one.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Describe(e) is { } reason)
        {
            throw new StorageUnavailableException(reason, IsTimeout(e), e);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The caller's token ended the last try: the SDK reports it as a failure of its retries; it is a cancel.
            throw new OperationCanceledException("The storage operation was canceled.", e, cancellationToken);
        }
    }

    public static async Task GuardAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        await GuardAsync(async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    /// <summary>Storage took the request and did not answer in time (on the last try), so it may have done it.</summary>
    private static bool IsTimeout(Exception e) => e switch
    {
        OperationCanceledException or TimeoutException => true,
        AggregateException { InnerExceptions.Count: > 0 } all => IsTimeout(all.InnerExceptions[^1]),
        _ => false,
    };

    /// <summary>Why storage is unavailable, in a sentence; null when <paramref name="e"/> is not a transient storage failure.</summary>
    public static string? Describe(Exception e) => e switch
    {
        RequestFailedException { Status: 403 } failed => $"Storage refused the app's identity ({failed.ErrorCode}); role assignments may still be propagating.",
        RequestFailedException { Status: 408 or 429 or >= 500 } failed => $"Storage answered {failed.Status} {failed.ErrorCode}.",
        RequestFailedException { Status: 0 } => "Storage could not be reached.",
        AuthenticationFailedException => "The app's identity could not get a token for storage.",
        // A network timeout of the SDK (not the caller's token): storage took the connection and did not answer.
        OperationCanceledException or TimeoutException => "Storage did not answer in time.",
        // The SDK reports a request that failed every retry as one AggregateException of the attempts.
        AggregateException all when all.InnerExceptions.Count > 0 && all.InnerExceptions.All(inner => Describe(inner) is not null) =>
            Describe(all.InnerExceptions[^1]),
        _ => null,
    };
}
