using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Storage;

/// <summary>
/// The app's storage clients, from the same setting the triggers use: <c>AzureWebJobsStorage</c> as a connection
/// string locally, or identity-based in Azure (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__queueServiceUri</c>/<c>__tableServiceUri</c>/<c>__blobServiceUri</c>, with <c>__credential</c> and <c>__clientId</c>).
/// </summary>
public static class StorageClients
{
    public static IServiceCollection AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageNames.Connection);
        var tryTimeout = (configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()).NetworkTimeout;
        services.AddAzureClients(clients =>
        {
            // A request that gets no answer is cut after one try's timeout and retried: a stalled account cannot hold a
            // call for long. Blobs get longer: a result image is many megabytes.
            clients.ConfigureDefaults(options =>
            {
                options.Retry.MaxRetries = 3;
                options.Retry.Delay = TimeSpan.FromMilliseconds(500);
                options.Retry.NetworkTimeout = tryTimeout;
                // The clients' factory forwards the SDK's event sources to ILogger at Verbose, so with logging on every
                // request builds and formats several events that the log filter then drops: a fifth of a submit's CPU.
                // The app logs the storage failures it acts on itself.
                options.Diagnostics.IsLoggingEnabled = false;
            });
            if (!string.IsNullOrWhiteSpace(storage.Value))
            {
                clients.AddQueueServiceClient(storage.Value).ConfigureOptions(UseHostEncoding);
                clients.AddTableServiceClient(storage.Value);
                clients.AddBlobServiceClient(storage.Value).ConfigureOptions(options => options.Retry.NetworkTimeout = BlobTryTimeout);
                return;
            }

            clients.AddQueueServiceClient(ServiceUri(storage, "queue")).WithCredential(Credential).ConfigureOptions(UseHostEncoding);
            clients.AddTableServiceClient(ServiceUri(storage, "table")).WithCredential(Credential);
            clients.AddBlobServiceClient(ServiceUri(storage, "blob")).WithCredential(Credential).ConfigureOptions(options => options.Retry.NetworkTimeout = BlobTryTimeout);
        });
        return services;

        TokenCredential Credential(IServiceProvider provider) =>
            provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(storage);
    }

    /// <summary>The service endpoint the Functions host would use for the same settings.</summary>
    public static Uri ServiceUri(IConfigurationSection storage, string service)
    {
        if (storage[$"{service}ServiceUri"] is { Length: > 0 } uri) return new Uri(uri);
        if (storage["accountName"] is { Length: > 0 } account) return new Uri($"https://{account}.{service}.core.windows.net");
        throw new InvalidOperationException(
            $"Storage is not configured: set '{StorageNames.Connection}' to a connection string, or '{StorageNames.Connection}__accountName' for an identity-based connection.");
    }

    private static readonly TimeSpan BlobTryTimeout = TimeSpan.FromSeconds(30);

    // host.json sets extensions.queues.messageEncoding to base64: the trigger decodes what this client encodes.
    private static void UseHostEncoding(QueueClientOptions options) => options.MessageEncoding = QueueMessageEncoding.Base64;
}
