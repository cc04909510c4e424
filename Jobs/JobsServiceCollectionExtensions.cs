using Functions.Jobs.Callbacks;
using Functions.Jobs.Run;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Upkeep;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job lifecycle: submitting and reading jobs (HTTP side), running them (queue side), recovery, retention and metrics.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubmitOptions>().Bind(configuration.GetSection(SubmitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WatchOptions>().Bind(configuration.GetSection(WatchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton(provider => new QueueAgeCache(
            provider.GetRequiredService<IJobQueue>().PeekOldestAsync, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<QueueAgeCache>>()));
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<WorkLedgerCache>();
        services.AddSingleton<JobWatch>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<CallbackEnqueuer>();

        services.AddSingleton<JobPricing>();
        services.AddSingleton<SubmitLimiter>();
        services.AddHostedService<SubmitWarmup>();
        services.AddSingleton<JobSubmission>();
        services.AddSingleton<JobService>();

        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobStart>();
        services.AddSingleton<RangeAdmission>();
        services.AddSingleton<RangeComputation>();
        services.AddSingleton<JobCompletion>();
        services.AddSingleton<WriteRetry>();

        services.AddSingleton<JobRecovery>();
        services.AddSingleton<CallbackRecovery>();
        services.AddSingleton<JobRetention>();
        return services;
    }
}
