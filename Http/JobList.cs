using System.Globalization;
using System.Text.RegularExpressions;
using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>The query of <c>GET /api/jobs?status=&amp;top=&amp;continuationToken=</c>.</summary>
public sealed partial record JobListQuery(JobStatus? Status, int Top, string? Continuation)
{
    public const int DefaultTop = 20;
    public const int MaxTop = 100;

    /// <summary>Reads the query; throws <see cref="RequestRefusedException"/> naming a bad value.</summary>
    public static JobListQuery Read(HttpRequest request)
    {
        JobStatus? status = null;
        if (Single(request, "status") is { } statusText)
        {
            status = JobStatusExtensions.FromName(statusText)
                ?? throw RequestRefusedException.InvalidQuery("status", $"'status' must be one of {string.Join(", ", JobStatusExtensions.AllNames)}.");
        }

        var top = DefaultTop;
        if (Single(request, "top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
            throw RequestRefusedException.InvalidQuery("top", $"'top' must be a whole number from 1 to {MaxTop}.");

        var continuation = Single(request, "continuationToken");
        if (continuation is not null && !ContinuationShape().IsMatch(continuation))
            throw RequestRefusedException.InvalidQuery("continuationToken", "'continuationToken' must be a token from a previous page.");
        return new JobListQuery(status, top, continuation);
    }

    private static string? Single(HttpRequest request, string name)
    {
        var values = request.Query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw RequestRefusedException.InvalidQuery(name, $"'{name}' may be given once."),
        };
    }

    [GeneratedRegex("^[0-9]{19}-[0-9a-f]{32}$")]
    private static partial Regex ContinuationShape();
}

/// <summary>A page of the job listing, newest first, with the link to the next page.</summary>
public sealed record JobList(IReadOnlyList<JobView> Jobs, string? ContinuationToken, string? NextUrl)
{
    public static JobList From(JobPage page, JobListQuery query)
    {
        var views = page.Jobs.Select(job => JobView.From(new JobSnapshot(job, "", [])) with { Input = null }).ToList();
        if (page.Continuation is null) return new JobList(views, null, null);
        var next = QueryString.Create(new Dictionary<string, string?>
        {
            ["status"] = query.Status?.Name(),
            ["top"] = query.Top.ToString(CultureInfo.InvariantCulture),
            ["continuationToken"] = page.Continuation,
        }.Where(p => p.Value is not null));
        return new JobList(views, page.Continuation, Routes.JobsPath + next);
    }
}
