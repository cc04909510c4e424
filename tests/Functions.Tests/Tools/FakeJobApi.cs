using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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

    /// <summary>Retry-After of the 202 answers.</summary>
    public int RetryAfterSeconds { get; init; }

    public Func<int, bool> Fails { get; init; } = _ => false;

    /// <summary>Submission attempt number → busy status (503, 429) to answer instead of accepting.</summary>
    public Func<int, int?> Busy { get; init; } = _ => null;

    /// <summary>Retry-After of the busy answers.</summary>
    public int BusyRetryAfterSeconds { get; init; }

    /// <summary>Submission attempt number → the job is stored, then the answer is a 503 (its outcome unknown to the caller).</summary>
    public Func<int, bool> LosesAnswer { get; init; } = _ => false;

    /// <summary>Submission attempt number → the job is stored, then the connection is reset instead of answering.</summary>
    public Func<int, bool> ResetsAfterStoring { get; init; } = _ => false;

    /// <summary>Jobs whose status GET answers 404, as if the store lost them.</summary>
    public Func<int, bool> Forgets { get; init; } = _ => false;

    /// <summary>Jobs that succeed without a result.</summary>
    public Func<int, bool> OmitsResult { get; init; } = _ => false;

    public bool NeverFinishes { get; init; }

    /// <summary>Submissions get no answer until the client gives up.</summary>
    public bool HangsSubmissions { get; init; }

    /// <summary>Hold every request until this many are in flight at once, to show the client really runs that many.</summary>
    public int? HoldUntilInFlight { get; init; }

    /// <summary>
    /// A status GET with <c>?wait=</c> is held, as the app holds it, until the job finishes or
    /// min(wait, <see cref="MaxWaitSeconds"/>) seconds pass. Off by default: the load tests want quick answers.
    /// </summary>
    public bool HoldsWaits { get; init; }

    /// <summary>The server's cap on <c>?wait=</c> when <see cref="HoldsWaits"/> is on.</summary>
    public int MaxWaitSeconds { get; init; } = 200;

    /// <summary>The clock that stamps each request (<see cref="FakeRequest.At"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>One request as the fake received it.</summary>
public sealed record FakeRequest(string Method, string Path, string Query, string? FunctionKey, string? IdempotencyKey, string? UserAgent, DateTimeOffset At);

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking the app's job API from memory: submit (with Idempotency-Key), status
/// (long-poll), cancel, list with nextUrl paging, stored result (a PNG for mandelbrot), kinds, and problem+json errors
/// naming the field. Besides the app's three kinds it computes <c>collatz</c>, a kind no client knows, whose pending
/// state is <c>throttled</c>, a state no client knows; every job view carries properties no client knows.
/// </summary>
public sealed class FakeJobApi : IAsyncDisposable
{
    /// <summary>A 1×1 PNG, the stored content of every mandelbrot job.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly WebApplication app;
    private readonly FakeJobApiBehavior behavior;
    private readonly ConcurrentDictionary<string, FakeJob> jobs = new();
    private readonly ConcurrentDictionary<string, FakeJob> jobsByKey = new();
    private readonly ConcurrentQueue<FakeRequest> requests = new();
    private readonly ConcurrentQueue<string?> functionKeys = new();
    private readonly ConcurrentQueue<string?> waitValues = new();
    private readonly TaskCompletionSource enoughInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> statusRequestWaiters = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> abortedWaitWaiters = new();
    private int submissionAttempts, busyAnswers, jobCount, statusRequests, abortedWaits, inFlight, maxInFlight;

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

    /// <summary>Held long-polls that ended because the client went away.</summary>
    public int AbortedWaits => abortedWaits;

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyCollection<FakeRequest> Requests => requests;

    public IReadOnlyCollection<string?> FunctionKeys => functionKeys;

    public IReadOnlyCollection<string?> WaitValues => waitValues;

    /// <summary>Completes once the server has received <paramref name="count"/> status requests.</summary>
    public Task StatusRequestsReached(int count) => Reached(statusRequestWaiters, ref statusRequests, count);

    /// <summary>Completes once <paramref name="count"/> held long-polls have ended because the client went away.</summary>
    public Task AbortedWaitsReached(int count) => Reached(abortedWaitWaiters, ref abortedWaits, count);

    /// <summary>Finishes a job as succeeded, waking the long-polls held on it.</summary>
    public void Finish(string id) => jobs[id].Settle("succeeded");

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
            var headers = context.Request.Headers;
            functionKeys.Enqueue(headers["x-functions-key"].FirstOrDefault());
            requests.Enqueue(new FakeRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                headers["x-functions-key"].FirstOrDefault(), headers["Idempotency-Key"].FirstOrDefault(), headers.UserAgent.FirstOrDefault(),
                behavior.Time.GetUtcNow()));
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
        app.MapGet("/api/jobs", List);
        app.MapGet("/api/jobs/{id}", StatusAsync);
        app.MapDelete("/api/jobs/{id}", Cancel);
        app.MapGet("/api/jobs/{id}/result", Result);
        app.MapGet("/api/kinds", Kinds);
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
            context.Response.Headers.RetryAfter = Seconds(behavior.BusyRetryAfterSeconds);
            return Results.Problem(statusCode: busy, title: "Too busy");
        }
        if (body.Kind is not ("primes" or "mandelbrot" or "hashsearch" or "collatz"))
            return Problem(400, "Invalid job request", $"Unknown kind '{body.Kind}'.", "kind");
        if (body.Kind == "primes" && (!body.Input.TryGetProperty("limit", out var limit) || limit.GetInt64() < 2))
            return Problem(400, "Invalid job request", "input.limit must be at least 2", "input.limit");

        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var job = key is null ? Create(body) : jobsByKey.GetOrAdd(key, _ => Create(body));
        if (behavior.LosesAnswer(attempt))
        {
            context.Response.Headers.RetryAfter = Seconds(behavior.BusyRetryAfterSeconds);
            return Results.Problem(statusCode: 503, title: "Outcome unknown", extensions: new Dictionary<string, object?> { ["jobId"] = job.Id });
        }
        if (behavior.ResetsAfterStoring(attempt))
        {
            context.Abort();
            return Results.Empty;
        }

        context.Response.Headers.Location = $"/api/jobs/{job.Id}";
        context.Response.Headers.RetryAfter = Seconds(behavior.RetryAfterSeconds);
        return Results.Json(View(job, job.Final ?? job.PendingStatus(1)), statusCode: job.Final is null ? 202 : 200);
    }

    private FakeJob Create(SubmitBody body)
    {
        var job = new FakeJob(Interlocked.Increment(ref jobCount), Guid.NewGuid().ToString("n"), body.Kind);
        jobs[job.Id] = job;
        return job;
    }

    private async Task<IResult> StatusAsync(HttpContext context, string id)
    {
        var requestNumber = Interlocked.Increment(ref statusRequests);
        foreach (var (count, waiter) in statusRequestWaiters)
            if (requestNumber >= count) waiter.TrySetResult();
        var waitText = context.Request.Query["wait"].FirstOrDefault();
        waitValues.Enqueue(waitText);
        if (!jobs.TryGetValue(id, out var job) || behavior.Forgets(job.Number))
            return Problem(404, "Job not found", $"no job '{id}'", "id");

        if (behavior.HoldsWaits && job.Final is null && int.TryParse(waitText, CultureInfo.InvariantCulture, out var wait) && wait > 0)
        {
            try
            {
                await job.Finished.WaitAsync(TimeSpan.FromSeconds(Math.Min(wait, behavior.MaxWaitSeconds)), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                // The cap or the asked wait ran out first: answered 202 below, as the app does.
            }
            catch (OperationCanceledException)
            {
                var aborted = Interlocked.Increment(ref abortedWaits);
                foreach (var (count, waiter) in abortedWaitWaiters)
                    if (aborted >= count) waiter.TrySetResult();
                return Results.Empty;
            }
        }

        var polls = Interlocked.Increment(ref job.Polls);
        if (job.Final is null && !behavior.NeverFinishes && polls > behavior.PendingPolls)
            job.Settle(behavior.Fails(job.Number) ? "failed" : "succeeded");
        if (job.Final is null)
        {
            context.Response.Headers.RetryAfter = Seconds(behavior.RetryAfterSeconds);
            return Results.Json(View(job, job.PendingStatus(polls), polls / (double)(behavior.PendingPolls + 1)), statusCode: 202);
        }
        return Results.Json(View(job, job.Final));
    }

    private IResult Cancel(string id)
    {
        if (!jobs.TryGetValue(id, out var job)) return Problem(404, "Job not found", $"no job '{id}'", "id");
        job.Settle("canceled");
        return job.Final == "canceled"
            ? Results.Json(View(job, "canceled"))
            : Problem(409, "Job already finished", $"The job is {job.Final}; only a queued or running job can be canceled.", "id");
    }

    private IResult Result(HttpContext context, string id)
    {
        if (!jobs.TryGetValue(id, out var job)) return Problem(404, "Job not found", $"no job '{id}'", "id");
        if (job.Final is null)
        {
            context.Response.Headers.RetryAfter = Seconds(behavior.RetryAfterSeconds);
            return Results.Json(View(job, job.PendingStatus(1)), statusCode: 202);
        }
        if (job.Final != "succeeded") return Problem(409, "No result", $"The job is {job.Final} and has no result.", "id");
        return job.Kind == "mandelbrot" ? Results.Bytes(Png, "image/png") : Results.Json(ResultOf(job));
    }

    private IResult List(HttpContext context)
    {
        var query = context.Request.Query;
        var status = query["status"].FirstOrDefault();
        var top = int.TryParse(query["top"].FirstOrDefault(), CultureInfo.InvariantCulture, out var t) ? t : 20;
        var skip = int.TryParse(query["continuationToken"].FirstOrDefault(), CultureInfo.InvariantCulture, out var s) ? s : 0;
        var matching = jobs.Values.Where(job => status is null || (job.Final ?? "queued") == status).OrderByDescending(job => job.Number).ToList();
        var page = matching.Skip(skip).Take(top).Select(job => View(job, job.Final ?? "queued")).ToList();
        var next = skip + top < matching.Count ? skip + top : (int?)null;
        var nextUrl = next is null ? null : $"/api/jobs?{(status is null ? "" : $"status={status}&")}top={top}&continuationToken={next}";
        return Results.Json(new { jobs = page, continuationToken = next?.ToString(CultureInfo.InvariantCulture), nextUrl });
    }

    private static IResult Kinds() => Results.Json(new object[]
    {
        new { name = "primes", summary = "Counts the primes less than or equal to limit.", input = new[] { new { name = "limit", type = "integer", description = "Count the primes ≤ limit.", required = true, minimum = 0, maximum = 10_000_000_000_000 } }, example = new { limit = 10_000_000_000 } },
        new { name = "mandelbrot", summary = "Renders a region of the Mandelbrot set to a PNG.", input = new[] { new { name = "width", type = "integer", description = "Image width in pixels.", required = false, minimum = 1, maximum = 8192, @default = 1024 } }, example = new { width = 1920 } },
    });

    /// <summary>A job view as the app writes it, plus properties no client knows yet.</summary>
    private object View(FakeJob job, string status, double? progress = null) => new
    {
        id = job.Id,
        kind = job.Kind,
        status,
        progress = status == "succeeded" ? 1 : progress ?? 0,
        createdAt = job.CreatedAt,
        result = status == "succeeded" && !behavior.OmitsResult(job.Number) ? ResultOf(job) : null,
        resultUrl = status == "succeeded" && job.Kind == "mandelbrot" ? $"/api/jobs/{job.Id}/result" : null,
        error = status == "failed" ? new { code = "kernel-error", message = "boom" } : null,
        statusUrl = $"/api/jobs/{job.Id}",
        estimate = new { secondsLeft = 3, basis = "chunks" },
        shard = 7,
    };

    private static object ResultOf(FakeJob job) => job.Kind switch
    {
        "mandelbrot" => new { width = 1, height = 1, centerX = -0.5, centerY = 0.0, scale = 3.0, maxIterations = 1000, insideFraction = 0.0, pngBytes = Png.Length },
        "hashsearch" => new { found = true, nonce = 18446744073709551615UL, hash = "00000a1b", difficulty = 20, leadingZeroBits = 20, hashesComputed = 1048576 },
        "collatz" => new { steps = 111, peak = 9232 },
        _ => new { count = 78498 },
    };

    private static IResult Problem(int status, string title, string detail, string field) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { ["field"] = field });

    private static string Seconds(int seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    private static Task Reached(ConcurrentDictionary<int, TaskCompletionSource> waiters, ref int counter, int count)
    {
        var waiter = waiters.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref counter) >= count) waiter.TrySetResult();
        return waiter.Task;
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

    public sealed record SubmitBody(string Kind, JsonElement Input);

    private sealed class FakeJob(int number, string id, string kind)
    {
        private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? final;

        public int Number { get; } = number;

        public string Id { get; } = id;

        public string Kind { get; } = kind;

        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

        public int Polls;

        public string? Final => Volatile.Read(ref final);

        public Task Finished => finished.Task;

        /// <summary>The first final state wins, as the app's conditional writes make it.</summary>
        public void Settle(string status)
        {
            if (Interlocked.CompareExchange(ref final, status, null) is null) finished.TrySetResult();
        }

        /// <summary>collatz jobs wait in a state no client knows.</summary>
        public string PendingStatus(int polls) => Kind == "collatz" ? "throttled" : polls == 1 ? "queued" : "running";
    }
}
