using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Jobs;

public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddComputeJobs(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
