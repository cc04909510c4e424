using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The app's HTTP functions served over real HTTP on a free loopback port, as the host serves them (Kestrel, each
/// route to its function method, the request's abort as the invocation's cancellation): for callers that need a
/// socket, such as the .NET client, a browser or a stream of events.
/// </summary>
public sealed class AppServer : IAsyncDisposable
{
    private readonly WebApplication _server;

    private AppServer(WebApplication server)
    {
        _server = server;
        BaseAddress = new Uri(server.Urls.First());
    }

    public Uri BaseAddress { get; }

    public static async Task<AppServer> StartAsync(HttpFunctions functions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = builder.Build();
        server.Run(async context =>
        {
            if (!await functions.InvokeAsync(context, context.RequestAborted)) context.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        await server.StartAsync();
        return new AppServer(server);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
