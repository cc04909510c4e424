using Functions.Compute;
using Functions.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The app's composition: storage clients, the job services, the compute executor and the kinds.</summary>
    public static IServiceCollection AddComputeJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section));
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section))
            .Validate(health => health.DeadlineSeconds > 0, $"{HealthOptions.Section}:{nameof(HealthOptions.DeadlineSeconds)} must be at least 1.")
            .ValidateOnStart();
        services.AddStorageClients(configuration);
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<IJobStore, TableJobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobService>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobRetention>();
        services.AddSingleton<JobRecovery>();
        services.AddMetrics();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<StorageHealth>();
        services.AddCompute(configuration);
        return services;
    }
}
