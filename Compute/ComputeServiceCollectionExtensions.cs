using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Functions.Compute;

public static class ComputeServiceCollectionExtensions
{
    /// <summary>The compute side: its settings, the executor (created as the host starts), the kinds and their calibration.</summary>
    public static IServiceCollection AddCompute(this IServiceCollection services, IConfiguration configuration)
    {
        // A value the binder cannot read as the enum fails start-up with "… at 'Compute:Priority' …"; a number can.
        services.AddOptions<ComputeOptions>()
            .Bind(configuration.GetSection(ComputeOptions.Section))
            .Validate(o => Enum.IsDefined(o.Priority), "Compute__Priority must be idle, low or normal.")
            .Validate(o => string.IsNullOrEmpty(o.CacheSizes) || CpuCaches.FromSetting(o.CacheSizes) is not null,
                "Compute__CacheSizes must be L1d/L2 or L1d/L2/CPUs sharing the L2, such as 32K/512K.")
            .ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ComputeOptions>>().Value;
            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger<ComputeExecutor>() ?? NullLogger<ComputeExecutor>.Instance;
            var (caches, block, minSegment, maxSegment) = PrimesTuning.Summary;
            ComputeLog.PrimesTuned(logger, caches.L1DataBytes, caches.L2Bytes, caches.L2SharedBy, caches.Source, block, minSegment, maxSegment);
            return new ComputeExecutor(options.Threads > 0 ? options.Threads : Environment.ProcessorCount, options.Priority, logger);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KindCalibrations>();
        services.AddSingleton(provider => new CostCalibration(
            provider.GetServices<IComputeKind>(), provider.GetRequiredService<KindCalibrations>(), provider.GetRequiredService<ComputeExecutor>(),
            ThreadCpuTimeProvider.OrSystem, provider.GetService<ILoggerFactory>()?.CreateLogger<CostCalibration>() ?? NullLogger<CostCalibration>.Instance));
        services.AddSingleton<ComputeStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<ComputeStartup>());
        services.AddSingleton<RangePlanner>();

        services.AddSingleton<ComputeKinds>();
        services.AddSingleton<IComputeKind, PrimesKind>();
        services.AddSingleton<IComputeKind, MandelbrotKind>();
        services.AddSingleton<IComputeKind, HashSearchKind>();
        if (configuration.GetSection(ComputeOptions.Section).GetValue<bool>(nameof(ComputeOptions.TestKinds)))
            services.AddSingleton<IComputeKind, FailingKind>();
        return services;
    }
}
