using Microsoft.Extensions.DependencyInjection;

namespace Functions.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>The HTTP face's answers and event streams.</summary>
    public static IServiceCollection AddHttpApi(this IServiceCollection services) => services.AddSingleton<JobAnswers>().AddSingleton<JobEvents>();
}
