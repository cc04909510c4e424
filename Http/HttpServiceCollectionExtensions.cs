using Microsoft.Extensions.DependencyInjection;

namespace Functions.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>The HTTP face's responses, event streams and OpenAPI document.</summary>
    public static IServiceCollection AddHttpApi(this IServiceCollection services) =>
        services.AddSingleton<JobResponses>().AddSingleton<JobEvents>().AddSingleton<ApiDocument>();
}
