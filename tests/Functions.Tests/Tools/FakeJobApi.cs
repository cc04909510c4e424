using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Tools;

/// <summary>How <see cref="FakeJobApi"/> answers; jobs and submission attempts are numbered from 1 in arrival order.</summary>
public sealed record FakeJobApiBehavior
{
    /// <summary>Status GETs a job answers 202 to before its final answer.</summary>
    public int PendingPolls { get; init; } = 2;

    public int RetryAfterSeconds { get; init; }

    public Func<int, bool> Fails { get; init; } = _ => false;

    /// <summary>Submission attempt number → busy status (503, 429) to answer instead of accepting.</summary>
    public Func<int, int?> Busy { get; init; } = _ => null;

    /// <summary>Jobs whose status GET answers 404, as if the store lost them.</summary>
    public Func<int, bool> Forgets { get; init; } = _ => false;

    /// <summary>Jobs that succeed without a result.</summary>
    public Func<int, bool> OmitsResult { get; init; } = _ => false;

    public bool NeverFinishes { get; init; }

    /// <summary>Submissions get no answer until the client gives up.</summary>
    public bool HangsSubmissions { get; init; }

    /// <summary>Hold every request until this many are in flight at once, to show the client really runs that many.</summary>
    public int? HoldUntilInFlight { get; init; }
}

/// <summary>A real Kestrel server on 127.0.0.1 speaking the app's job API from memory.</summary>
public sealed class FakeJobApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly FakeJobApiBehavior behavior;
    private readonly ConcurrentDictionary<string, FakeJob> jobs = new();
    private readonly ConcurrentQueue<string?> functionKeys = new();
    private readonly ConcurrentQueue<string?> waitValues = new();
    private readonly TaskCompletionSource enoughInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> statusRequestWaiters = new();
    private int submissionAttempts, busyAnswers, jobCount, statusRequests, inFlight, maxInFlight;

    private FakeJobApi(WebApplication app, FakeJobApiBehavior behavior)
    {
        this.app = app;
        this.behavior = behavior;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int SubmissionAttempts => submissionAttempts;

    public int BusyAnswers => busyAnswers;

    public int JobCount => jobCount;

    public int StatusRequests => statusRequests;

    public int MaxInFlight => maxInFlight;

    /// <summary>Completes once the server has received <paramref name="count"/> status requests.</summary>
    public Task StatusRequestsReached(int count)
    {
        var waiter = statusRequestWaiters.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref statusRequests) >= count) waiter.TrySetResult();
        return waiter.Task;
    }

    public IReadOnlyCollection<string?> FunctionKeys => functionKeys;

    public IReadOnlyCollection<string?> WaitValues => waitValues;

    public static async Task<FakeJobApi> StartAsync(FakeJobApiBehavior behavior)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var api = new FakeJobApi(builder.Build(), behavior);
        api.Map();
        await api.app.StartAsync();
        api.BaseUrl = new Uri(api.app.Urls.Single());
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            functionKeys.Enqueue(context.Request.Headers["x-functions-key"].FirstOrDefault());
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            try
            {
                if (behavior.HoldUntilInFlight is int wanted)
                {
                    if (now >= wanted) enoughInFlight.TrySetResult();
                    // Bounded so a client that never reaches the count fails the assertion instead of hanging the test.
                    await enoughInFlight.Task.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        app.MapPost("/api/jobs", SubmitAsync);
        app.MapGet("/api/jobs/{id}", Status);
    }

    private async Task<IResult> SubmitAsync(HttpContext context, SubmitBody body)
    {
        var attempt = Interlocked.Increment(ref submissionAttempts);
        if (behavior.HangsSubmissions)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(499);
        }
        if (behavior.Busy(attempt) is int busy)
        {
            Interlocked.Increment(ref busyAnswers);
            context.Response.Headers.RetryAfter = "0";
            return Results.Problem(statusCode: busy, title: "Too busy");
        }
        if (body.Kind != "primes")
            return Results.Problem(statusCode: 400, title: "Unknown kind", detail: $"kind '{body.Kind}' is not known");
        if (!body.Input.TryGetProperty("limit", out var limit) || limit.GetInt64() < 2)
            return Results.Problem(statusCode: 400, title: "Invalid input", detail: "input.limit must be at least 2");

        var job = new FakeJob(Interlocked.Increment(ref jobCount), Guid.NewGuid().ToString("n"));
        jobs[job.Id] = job;
        context.Response.Headers.Location = $"/api/jobs/{job.Id}";
        context.Response.Headers.RetryAfter = behavior.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new { id = job.Id, status = "queued", kind = body.Kind, createdAt = DateTimeOffset.UtcNow, statusUrl = $"/api/jobs/{job.Id}" }, statusCode: 202);
    }

    private IResult Status(HttpContext context, string id)
    {
        var requestNumber = Interlocked.Increment(ref statusRequests);
        foreach (var (count, waiter) in statusRequestWaiters)
            if (requestNumber >= count) waiter.TrySetResult();
        waitValues.Enqueue(context.Request.Query["wait"].FirstOrDefault());
        if (!jobs.TryGetValue(id, out var job) || behavior.Forgets(job.Number))
            return Results.Problem(statusCode: 404, title: "Not found", detail: $"no job '{id}'");

        var polls = Interlocked.Increment(ref job.Polls);
        if (behavior.NeverFinishes || polls <= behavior.PendingPolls)
        {
            context.Response.Headers.RetryAfter = behavior.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var status = polls == 1 ? "queued" : "running";
            return Results.Json(new { id, status, progress = polls / (double)(behavior.PendingPolls + 1) }, statusCode: 202);
        }
        if (behavior.Fails(job.Number))
            return Results.Json(new { id, status = "failed", error = new { code = "kernel-error", message = "boom" } });
        if (behavior.OmitsResult(job.Number))
            return Results.Json(new { id, status = "succeeded" });
        return Results.Json(new { id, status = "succeeded", result = new { count = 78498 } });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    public sealed record SubmitBody(string Kind, System.Text.Json.JsonElement Input);

    private sealed class FakeJob(int number, string id)
    {
        public int Number { get; } = number;

        public string Id { get; } = id;

        public int Polls;
    }
}
