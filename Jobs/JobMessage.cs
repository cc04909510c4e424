using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.Jobs;

/// <summary>A message on the jobs queue: start a job (<see cref="Range"/> null) or compute one range of it.</summary>
/// <param name="Deferrals">How many times a busy instance has handed this work back to the queue.</param>
/// <param name="TraceParent">The W3C trace context the message was sent under (<see cref="JobTracing"/>).</param>
/// <param name="SentAt">When the message became visible on the queue, so its processing knows its time in the queue.</param>
/// <param name="Group">
/// The start messages of other small jobs sent at the same moment, carried in this one (at most <see cref="MaxGroup"/>):
/// one queue write, one delete and one invocation for all of them. Each is run as if it had come alone.
/// </param>
public sealed record JobMessage(
    string JobId, int? Range = null, int? Deferrals = null, string? TraceParent = null, string? TraceState = null, DateTimeOffset? SentAt = null,
    IReadOnlyList<JobMessage>? Group = null)
{
    /// <summary>The most start messages one queue message carries besides its own (the sender also keeps a group's size in bounds).</summary>
    public const int MaxGroup = 31;

    /// <summary>This message and those it carries, each alone.</summary>
    [JsonIgnore]
    public IEnumerable<JobMessage> Each => (Group ?? []).Prepend(this with { Group = null });

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

        if (message is null || !IsWellFormed(message) || !(message.Group ?? []).All(IsCarriedStart)) message = null;
        return message is not null;
    }

    private static bool IsWellFormed(JobMessage message) => JobIds.IsWellFormed(message.JobId) && !(message.Range < 0) && !(message.Deferrals < 0) && !(message.Group?.Count > MaxGroup);

    // A carried message is a plain start message: its group is the one carrying it.
    private static bool IsCarriedStart(JobMessage? carried) => carried is { Range: null, Deferrals: null, Group: null } && IsWellFormed(carried);

    /// <summary>The job ids of a message that is otherwise unreadable (its own, then its group's), so its jobs can still be run or ended.</summary>
    public static IReadOnlyList<string> FindJobIds(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return [];
            var carried = document.RootElement.TryGetProperty("group", out var group) && group.ValueKind == JsonValueKind.Array
                ? group.EnumerateArray().Where(element => element.ValueKind == JsonValueKind.Object) : [];
            return [.. carried.Prepend(document.RootElement).Select(IdOf).OfType<string>().Where(JobIds.IsWellFormed)];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return [];
        }
    }

    private static string? IdOf(JsonElement message) =>
        message.TryGetProperty("jobId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
