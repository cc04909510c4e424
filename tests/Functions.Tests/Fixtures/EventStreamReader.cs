using System.Text;
using System.Text.Json;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Reads a <c>text/event-stream</c> response as a browser's EventSource parses it, but also keeps the comments (the
/// heartbeat) and the <c>retry:</c> field, which EventSource and .NET's SseParser swallow.
/// </summary>
public sealed class EventStreamReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event or comment; null when the server has ended the stream.</summary>
    public async Task<StreamRecord?> NextAsync(CancellationToken cancellationToken)
    {
        string? type = null, id = null, data = null, comment = null;
        int? retry = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is null && id is null && data is null && comment is null && retry is null) continue;
                return new StreamRecord(type, id, data, comment, retry);
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "": comment = value; break;
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
                case "retry": retry = int.Parse(value); break;
            }
        }

        return null;
    }

    /// <summary>The next event, skipping comments and the retry field; null at the end of the stream.</summary>
    public async Task<StreamRecord?> NextEventAsync(CancellationToken cancellationToken)
    {
        while (await NextAsync(cancellationToken) is { } record)
        {
            if (record.Type is not null) return record;
        }

        return null;
    }

    /// <summary>Every event until the server ends the stream.</summary>
    public async Task<List<StreamRecord>> ToEndAsync(CancellationToken cancellationToken)
    {
        var events = new List<StreamRecord>();
        while (await NextEventAsync(cancellationToken) is { } record) events.Add(record);
        return events;
    }

    public void Dispose() => _reader.Dispose();
}

/// <summary>One record of an event stream: an event (type, id, data), a comment, or a retry hint.</summary>
public sealed record StreamRecord(string? Type, string? Id, string? Data, string? Comment, int? Retry)
{
    public JsonElement Json => JsonDocument.Parse(Data ?? "null").RootElement;

    public string? Status => Json.TryGetProperty("status", out var status) ? status.GetString() : null;
}
