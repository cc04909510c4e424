using Azure;
using Azure.Identity;

namespace Functions.Http;

/// <summary>
/// Storage, or the app's access to it, failing for now: the caller should retry later (HTTP 503). A refusal that
/// retrying cannot mend (400, 404, 409, 412) is a bug and stays one.
/// </summary>
public static class StorageFailure
{
    public static bool Is(Exception e) => e switch
    {
        RequestFailedException { Status: 0 or 403 or 408 or 429 or >= 500 } or AuthenticationFailedException => true,
        // The SDK reports an endpoint that refused or timed out every retry as one AggregateException of the attempts.
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(inner => Is(inner) || inner is OperationCanceledException or TimeoutException),
        _ => false,
    };
}
