using Microsoft.Extensions.DependencyInjection;

namespace Functions.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's embedded files, read once.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSingleton<DashboardAssets>();
}
