using Functions.Jobs.Watch;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Http;

/// <summary>
/// The jobs' event streams (Server-Sent Events): <c>GET /api/jobs/{id}/events</c> for one job and
/// <c>GET /api/events?ids=…</c> for many at once, since a browser opens at most six connections to a host over HTTP/1.1.
/// Each job's states come from <see cref="JobWatch"/>: pushed when this instance computes the job, else one shared
/// read per interval.
/// </summary>
public sealed class JobEvents(JobService jobs, JobWatch watch, TimeProvider time, IOptions<WatchOptions> options, ILogger<JobEvents> logger)
{
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>The most jobs one stream serves: a page of the listing.</summary>
    public const int MaxJobs = JobListQuery.MaxTop;

    private int _open;

    /// <summary>How many streams are open on this instance now.</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    internal JobWatch Watch => watch;

    internal TimeProvider Time => time;

    internal WatchOptions Options => options.Value;

    internal ILogger Logger => logger;

    /// <summary>
    /// One job's stream; 404 for an unknown id, 204 when the caller has seen it finish (so the browser stops
    /// reconnecting). <paramref name="firstRead"/> bounds the read that decides it; the stream runs until
    /// <paramref name="cancellationToken"/> (the caller) or its own end.
    /// </summary>
    public async Task<Results<JobEventStream, NoContent, ProblemResult>> OfJobAsync(HttpRequest request, string id, CancellationToken firstRead, CancellationToken cancellationToken)
    {
        var seen = JobEventId.ParseAll(request.Headers[LastEventIdHeader].ToString(), 1);
        if (seen[0] is { Missing: false } mark && mark.IsFinal) return TypedResults.NoContent();
        if (await jobs.GetAsync(id, firstRead) is not { } job) return Problems.NotFound(id);
        return new JobEventStream(this, [id], [job], seen, many: false, cancellationToken);
    }

    /// <summary>The stream of many jobs (<c>?ids=a,b,…</c>); 204 when the caller has seen every one of them end.</summary>
    public Results<JobEventStream, NoContent, ProblemResult> OfJobs(HttpRequest request, CancellationToken cancellationToken)
    {
        var ids = ReadIds(request);
        var seen = JobEventId.ParseAll(request.Headers[LastEventIdHeader].ToString(), ids.Count);
        if (seen.All(mark => mark?.IsFinal == true)) return TypedResults.NoContent();
        return new JobEventStream(this, ids, new JobSnapshot?[ids.Count], seen, many: true, cancellationToken);
    }

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);

    private static List<string> ReadIds(HttpRequest request)
    {
        var values = request.Query["ids"];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
            throw RequestRefusedException.InvalidQuery("ids", "'ids' must be given once: job ids separated by commas.");
        var ids = values[0]!.Split(',').Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > MaxJobs)
            throw RequestRefusedException.InvalidQuery("ids", $"'ids' may name at most {MaxJobs} jobs.");
        if (ids.FirstOrDefault(id => !JobIds.IsWellFormed(id)) is { } bad)
            throw RequestRefusedException.InvalidQuery("ids", $"'{(bad.Length <= 64 ? bad : bad[..64] + "…")}' is not a job id.");
        return ids;
    }
}
