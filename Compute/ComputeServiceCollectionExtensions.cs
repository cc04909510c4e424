using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Functions.Compute;

public static class ComputeServiceCollectionExtensions
{
    /// <summary>The compute side: its settings, the executor and the kinds.</summary>
    public static IServiceCollection AddCompute(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ComputeOptions>().Bind(configuration.GetSection(ComputeOptions.Section));
        services.AddSingleton(provider =>
        {
            var threads = provider.GetRequiredService<IOptions<ComputeOptions>>().Value.Threads;
            return new ComputeExecutor(threads > 0 ? threads : Environment.ProcessorCount);
        });

        services.AddSingleton<ComputeKinds>();
        services.AddSingleton<IComputeKind, PrimesKind>();
        services.AddSingleton<IComputeKind, MandelbrotKind>();
        services.AddSingleton<IComputeKind, HashSearchKind>();
        return services;
    }
}
