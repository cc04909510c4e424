using System.Diagnostics;

namespace Functions.Jobs;

/// <summary>
/// The job's spans, one trace from the submit to the result. Storage queue messages have no headers, so the trace
/// context (W3C <c>traceparent</c>, <c>tracestate</c>) travels in the message body, and the job row keeps the submit's
/// so a requeued message still joins its trace. Each job an invocation runs (its message's, or each start a group
/// carries) gets a span that is a child of the context its own message carries (a batch here is only how the host
/// fetches, not one invocation).
/// </summary>
public static class JobTracing
{
    public const string SourceName = "Functions.Jobs";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The trace context to carry: the current span's, else what the job was submitted under.</summary>
    public static (string? Parent, string? State) Context(JobRecord? job = null) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? (current.Id, current.TraceStateString) : (job?.TraceParent, null);

    public static JobMessage Carrying(this JobMessage message, JobRecord? job = null)
    {
        var (parent, state) = Context(job);
        return message with { TraceParent = parent, TraceState = state };
    }

    /// <summary>
    /// A request to the API, under the caller's <c>traceparent</c> when the worker has not started a span for it
    /// already: the jobs it submits then join the caller's trace.
    /// </summary>
    public static Activity? StartRequest(string method, string path, string? traceParent, string? traceState)
    {
        if (Activity.Current is not null) return null;
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        // Named by its method alone, as the conventions ask when the route is not at hand: a path holds job ids.
        var activity = Source.StartActivity(method, ActivityKind.Server, parent);
        activity?.SetTag("http.request.method", method);
        activity?.SetTag("url.path", path);
        return activity;
    }

    /// <summary>A step of this instance's work, a child of the current span; null when nobody listens.</summary>
    public static Activity? Start(string name, string? jobId, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        if (jobId is not null) activity?.SetTag(JobMetrics.JobIdTag, jobId);
        return activity;
    }

    /// <summary>
    /// Processing one message: a consumer span under the context the message carries, with the time it waited in the
    /// queue since it became visible (<c>messaging.message.queue_time</c> is not a convention yet, so it is ours).
    /// </summary>
    public static Activity? StartProcessing(JobMessage message, DateTimeOffset now)
    {
        ActivityContext.TryParse(message.TraceParent, message.TraceState, isRemote: true, out var parent);
        var activity = Source.StartActivity(message.Range is null ? "jobs process" : "jobs process range", ActivityKind.Consumer, parent);
        if (activity is null) return null;
        activity.SetTag("messaging.system", "azure_storage_queues");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", "jobs");
        activity.SetTag(JobMetrics.JobIdTag, message.JobId);
        if (message.Range is { } range) activity.SetTag("job.range", range);
        if (message.SentAt is { } sent) activity.SetTag("job.queue_time_ms", Math.Max(0, (now - sent).TotalMilliseconds));
        return activity;
    }
}
