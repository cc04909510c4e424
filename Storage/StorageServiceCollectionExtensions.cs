using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Storage: the SDK clients, their one-time creation of queues, table and container, and the job store and queue on them.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(storage => storage.RequestDeadlineSeconds >= 1, $"{StorageOptions.Section}:{nameof(StorageOptions.RequestDeadlineSeconds)} must be at least 1.")
            .ValidateOnStart();
        services.AddStorageClients(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<IJobStore, TableJobStore>();
        services.AddSingleton<IJobQueue, StorageJobQueue>();
        return services;
    }
}
