using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ComputeFunctions.Client;

/// <summary>Registers <see cref="JobsClient"/> with <c>IHttpClientFactory</c>.</summary>
public static class JobsClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="JobsClient"/> as a typed HttpClient: each one resolved sends with a client from
    /// <c>IHttpClientFactory</c> (pooled handlers, DNS renewal) and logs retries to the app's <see cref="ILoggerFactory"/>.
    /// The client retries by itself, so add no retry handler to the returned builder.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="baseUri">The app's address, such as <c>https://&lt;app&gt;.azurewebsites.net</c>.</param>
    /// <param name="functionKey">A function key, sent as <c>x-functions-key</c>; none is needed locally.</param>
    /// <param name="configure">Adjusts retries, timeouts and long-polling.</param>
    /// <returns>The HttpClient's builder, to add handlers or configure the primary one.</returns>
    public static IHttpClientBuilder AddJobsClient(this IServiceCollection services, Uri baseUri, string? functionKey = null, Action<JobsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseUri);
        var builder = services.AddHttpClient<JobsClient, JobsClient>((http, provider) =>
        {
            var options = new JobsClientOptions { LoggerFactory = provider.GetService<ILoggerFactory>() };
            configure?.Invoke(options);
            return new JobsClient(baseUri, functionKey, http, options);
        });
        // The client times each attempt itself (NetworkTimeout); the factory's 100 s default would cut long-polls short.
        builder.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        return builder;
    }
}
