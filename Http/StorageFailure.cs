using Azure;
using Azure.Identity;

namespace Functions.Http;

/// <summary>Failures of the storage account or of the app's access to it: the caller should retry later (HTTP 503).</summary>
public static class StorageFailure
{
    public static bool Is(Exception e) => e switch
    {
        RequestFailedException or AuthenticationFailedException => true,
        // The SDK reports an endpoint that refused every retry as one AggregateException of the attempts.
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(Is),
        _ => false,
    };
}
