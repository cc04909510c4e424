using Functions.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Storage: the SDK clients, their one-time creation of queues, table and container, and the job store and queue on them.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStorageClients(configuration);
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<IJobStore, TableJobStore>();
        services.AddSingleton<IJobQueue, StorageJobQueue>();
        return services;
    }
}
