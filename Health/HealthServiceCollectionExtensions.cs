using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The health probe behind <c>GET /api/health</c>, with its deadline setting checked at start.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section))
            .Validate(health => health.DeadlineSeconds > 0, $"{HealthOptions.Section}:{nameof(HealthOptions.DeadlineSeconds)} must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<StorageHealth>();
        return services;
    }
}
