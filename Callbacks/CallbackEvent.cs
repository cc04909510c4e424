using System.Text.Json.Serialization;
using Functions.Http;
using Functions.Jobs;

namespace Functions.Callbacks;

/// <summary>
/// The body of a callback: a CloudEvents 1.0 event in structured JSON mode. <see cref="Id"/> is the webhook-id, one per
/// job end, the same on every retry; <see cref="Data"/> is the job as <c>GET /api/jobs/{id}</c> shows it. (Written by
/// hand: the structured form is this flat object, and the CloudNative.CloudEvents formatter would add two packages.)
/// </summary>
public sealed record CallbackEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] JobView Data)
{
    public const string TypePrefix = "compute.job.";

    public static CallbackEvent Of(JobSnapshot snapshot, string source) => new(
        "1.0",
        TypePrefix + snapshot.Job.Status.Name(),
        source,
        WebhookId(snapshot.Job),
        snapshot.Job.Id,
        snapshot.Job.CompletedAt ?? snapshot.Job.CreatedAt,
        "application/json",
        JobView.From(snapshot));

    /// <summary>One per job end: a job ends once, so its id and final state name it for every retry and duplicate.</summary>
    public static string WebhookId(JobRecord job) => $"{job.Id}-{job.Status.Name()}";
}
