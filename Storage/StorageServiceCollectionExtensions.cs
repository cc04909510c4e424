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
            .Validate(storage => storage.IndexShards is >= 1 and <= IndexShards.MaxCount,
                $"{StorageOptions.Section}:{nameof(StorageOptions.IndexShards)} must be from 1 to {IndexShards.MaxCount}.")
            .ValidateOnStart();
        services.AddStorageClients(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<IJobStore, TableJobStore>();
        // Each role resolves to the one store, so a store registered in its place (a test's) serves every role.
        services.AddSingleton<IJobRows>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<IJobListing>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<IWorkLedger>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<ISendMarks>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<IIdempotencyKeys>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<IJobResults>(provider => provider.GetRequiredService<IJobStore>());
        services.AddSingleton<IJobQueue, StorageJobQueue>();
        services.AddSingleton<ICallbackQueue, StorageCallbackQueue>();
        return services;
    }
}
