using System.Text.Json.Serialization;

namespace Functions.Jobs.Callbacks;

/// <summary>Where to tell the caller that the job ended, for which final states, and how telling it went.</summary>
/// <param name="Delivery">Null until the job ends in one of <paramref name="Events"/>.</param>
public sealed record JobCallback(string Url, IReadOnlyList<JobStatus> Events, CallbackDelivery? Delivery = null)
{
    /// <summary>The callback as the job's final write leaves it: pending, due at once, when the job ends in one of its events.</summary>
    public JobCallback Ended(JobStatus status, DateTimeOffset at) =>
        Events.Contains(status) ? this with { Delivery = new CallbackDelivery(CallbackState.Pending, 0, NextAttemptAt: at) } : this;
}

/// <summary>How the delivery of a job's end went so far.</summary>
/// <param name="Attempts">The requests made (or started) so far.</param>
/// <param name="NextAttemptAt">While pending: when the next attempt is due; recovery resends a delivery long past it.</param>
public sealed record CallbackDelivery(
    CallbackState State,
    int Attempts,
    DateTimeOffset? LastAttemptAt = null,
    DateTimeOffset? NextAttemptAt = null,
    DateTimeOffset? DeliveredAt = null,
    int? StatusCode = null,
    string? LastError = null);

[JsonConverter(typeof(JsonStringEnumConverter<CallbackState>))]
public enum CallbackState
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("failed")] Failed,
}
