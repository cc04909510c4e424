using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Functions.Jobs;

/// <summary>A message on the jobs queue: start a job (<see cref="Range"/> null) or compute one range of it.</summary>
/// <param name="Deferrals">How many times a busy instance has handed this work back to the queue.</param>
/// <param name="TraceParent">The W3C trace context the message was sent under (<see cref="JobTracing"/>).</param>
/// <param name="SentAt">When the message became visible on the queue, so its processing knows its time in the queue.</param>
public sealed record JobMessage(
    string JobId, int? Range = null, int? Deferrals = null, string? TraceParent = null, string? TraceState = null, DateTimeOffset? SentAt = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, JobJson.Options);

    public static bool TryParse(string text, [NotNullWhen(true)] out JobMessage? message)
    {
        message = null;
        try
        {
            message = JsonSerializer.Deserialize<JobMessage>(text, JobJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate ("\ud800") is valid JSON but no text.
            return false;
        }

        if (message is null || !JobIds.IsWellFormed(message.JobId) || message.Range < 0 || message.Deferrals < 0) message = null;
        return message is not null;
    }

    /// <summary>The job id of a message that is otherwise unreadable, so its job can still be ended.</summary>
    public static string? FindJobId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("jobId", out var id)
                && id.ValueKind == JsonValueKind.String
                && JobIds.IsWellFormed(id.GetString()) ? id.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
