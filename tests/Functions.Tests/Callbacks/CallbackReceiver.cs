using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Callbacks;

/// <summary>A callback receiver on a free loopback port: records every request and answers as <c>answer</c> says for the nth.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();

    private CallbackReceiver(WebApplication server) => _server = server;

    public Uri Url => new(new Uri(_server.Urls.First()), "/hook");

    public IReadOnlyList<ReceivedCallback> Received => [.. _received];

    /// <param name="answer">The status for the nth request (1-based); null to hold it unanswered until the caller gives up.</param>
    public static async Task<CallbackReceiver> StartAsync(Func<int, int?>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = builder.Build();
        var receiver = new CallbackReceiver(server);
        server.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver._received.Enqueue(new ReceivedCallback(context.Request.Method, context.Request.Path, headers, body));
            if ((answer ?? (_ => 200))(receiver._received.Count) is not { } status)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                return;
            }

            context.Response.StatusCode = status;
        });
        await server.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}

public sealed record ReceivedCallback(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
