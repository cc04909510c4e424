using Functions.Jobs.Run;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Upkeep;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job lifecycle: submitting and reading jobs (HTTP side), running them (queue side), recovery, retention and metrics.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section))
            .Validate(jobs => jobs.MaxConcurrentSubmits >= 1, $"{JobOptions.Section}:{nameof(JobOptions.MaxConcurrentSubmits)} must be at least 1.")
            .Validate(jobs => jobs.MaxWaitingSubmits >= 0, $"{JobOptions.Section}:{nameof(JobOptions.MaxWaitingSubmits)} must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<WorkLedger>();
        services.AddSingleton<JobWatch>();
        services.AddSingleton<JobSignals>();

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
        services.AddSingleton<FinalWrite>();

        services.AddSingleton<JobRecovery>();
        services.AddSingleton<JobRetention>();
        return services;
    }
}
