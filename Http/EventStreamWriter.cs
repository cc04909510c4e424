using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Functions.Http;

/// <summary>
/// Writes a response as Server-Sent Events (<c>text/event-stream</c>), flushing every event so that nothing between
/// here and the browser holds it back. ASP.NET Core's <c>TypedResults.ServerSentEvents</c> writes ids, retry and data
/// but no comments, and a stream that is quiet for a long time needs comments as its heartbeat.
/// </summary>
public sealed class EventStreamWriter
{
    public const string ContentType = "text/event-stream";

    private readonly HttpResponse _response;

    private EventStreamWriter(HttpResponse response) => _response = response;

    /// <summary>Starts the stream: status, headers, no buffering, and the reconnect delay the browser should use.</summary>
    public static async Task<EventStreamWriter> StartAsync(HttpContext context, TimeSpan retry, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache, no-store";
        // Proxies such as nginx hold back responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var writer = new EventStreamWriter(response);
        await writer.WriteAsync($"retry: {(long)retry.TotalMilliseconds}\n\n", cancellationToken);
        return writer;
    }

    /// <summary>One event; <paramref name="data"/> must be one line (JSON without indentation is).</summary>
    public Task EventAsync(string type, string? id, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(type).Append('\n');
        if (id is not null) text.Append("id: ").Append(id).Append('\n');
        text.Append("data: ").Append(data).Append("\n\n");
        return WriteAsync(text.ToString(), cancellationToken);
    }

    /// <summary>A comment line: ignored by the browser, but traffic to proxies that close idle connections.</summary>
    public Task CommentAsync(string text, CancellationToken cancellationToken) => WriteAsync($": {text}\n\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
