using System.Diagnostics;
using System.Text.Json;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

/// <summary>
/// Storage that stalls: connections stay open and no answer comes (a <see cref="StallingProxy"/> in front of real
/// Azurite). Every endpoint answers within its deadline, nothing accepted is lost, and nothing finishes twice.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class StorageStallTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int DeadlineSeconds = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(DeadlineSeconds);

    // What an answer may take past its limit on a loaded machine: one more deadline, derived from it rather than a
    // fixed second. A hang would take the whole 30 s stall.
    private static readonly TimeSpan Slack = Deadline;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SequenceKind _sequence = new();
    private readonly JobTransitions _transitions = new();
    private readonly StoreCalls _calls = new();
    private readonly RecordingLoggerProvider _logs = new();
    private StallingProxy _blob = null!, _queue = null!, _table = null!;
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        var ports = Ports(azurite.ConnectionString);
        (_blob, _queue, _table) = (new StallingProxy(ports.Blob), new StallingProxy(ports.Queue), new StallingProxy(ports.Table));
        _app = new FunctionApp(StallingProxy.Route(azurite.ConnectionString, _blob, _queue, _table),
            new Dictionary<string, string?> { ["Storage:RequestDeadlineSeconds"] = $"{DeadlineSeconds}", ["Health:DeadlineSeconds"] = $"{DeadlineSeconds}" },
            services =>
            {
                services.AddSingleton<Functions.Compute.IComputeKind>(_sequence);
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs);
                _transitions.Register(services);
            });
        await _app.ClearQueuesAsync();
        // Warm: the queues, table and container exist, as on an instance that has served before.
        var warm = await _app.SubmitAsync(SequenceKind.Job(1));
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(warm) == JobStatus.Succeeded, Patience);
    }

    public async Task DisposeAsync()
    {
        StallStorage(false);
        await _app.DisposeAsync();
        foreach (var proxy in new[] { _blob, _queue, _table }) await proxy.DisposeAsync();
    }

    [Fact]
    public async Task EveryEndpoint_StorageStalled_Answers503WithRetryAfterWithinTheDeadline()
    {
        var id = await _app.SubmitAsync(SequenceKind.Job(4));
        StallStorage(true);

        var answers = await Task.WhenAll(
            TimedAsync(() => _app.PostJobAsync(SequenceKind.Job(4))),
            TimedAsync(() => _app.GetAsync(Routes.JobPath(id))),
            TimedAsync(() => _app.GetAsync(Routes.JobResultPath(id))),
            TimedAsync(() => _app.DeleteAsync(Routes.JobPath(id))),
            TimedAsync(() => _app.GetAsync(Routes.JobsPath)),
            TimedAsync(() => _app.GetAsync(Routes.HealthPath)));

        Assert.All(answers, timed =>
        {
            Assert.Equal(503, timed.Answer.Status);
            Assert.Equal(Problems.ContentType, timed.Answer.ContentType);
            Assert.InRange(timed.Elapsed, TimeSpan.Zero, Deadline + Slack);
        });
        Assert.All(answers[..5], timed => Assert.NotNull(timed.Answer.Header("Retry-After")));
    }

    [Fact]
    public async Task Submit_RowStoredButItsAnswerHeldPastTheDeadline_IsFoundByTheIdInThe503AndRuns()
    {
        _calls.Before = method => { if (method == nameof(IJobStore.TryCreateAsync)) _table.StallAnswers(); };
        await using var app = await StalledAtAsync();

        var refused = await app.PostJobAsync(SequenceKind.Job(3));
        _table.Resume();

        Assert.Equal(503, refused.Status);
        var id = refused.Json.GetProperty("jobId").GetString()!;
        Assert.Equal(Routes.JobPath(id), refused.Json.GetProperty("statusUrl").GetString());
        await FunctionApp.WaitUntilAsync(async () => (await app.GetAsync(Routes.JobPath(id))).Status == 202, Patience);
        // Its message was never sent: the stranded-job recovery queues it, however deep the queue, and it runs once.
        await app.Services.GetRequiredService<IJobQueue>().SendAsync(new JobMessage(JobIds.New()), CancellationToken.None);
        Assert.Contains(id, await ShiftedRecovery(app).RequeueStrandedAsync(CancellationToken.None));
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Patience);
    }

    [Fact]
    public async Task Submit_WithAKey_RowStoredButItsAnswerHeldPastTheDeadline_TheRetryReturnsThatJobAndItRuns()
    {
        _calls.Before = method => { if (method == nameof(IJobStore.TryCreateAsync)) _table.StallAnswers(); };
        await using var app = await StalledAtAsync();
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "stall-" + Guid.NewGuid() };

        var refused = await app.PostJobAsync(SequenceKind.Job(3), headers: key);
        _calls.Before = null;
        _table.Resume();
        await FunctionApp.WaitUntilAsync(async () => (await app.GetAsync(Routes.JobPath(refused.Json.GetProperty("jobId").GetString()!))).Status == 202, Patience);
        var retried = await app.PostJobAsync(SequenceKind.Job(3), headers: key);

        Assert.Equal(503, refused.Status);
        Assert.Equal(202, retried.Status);
        var id = refused.Json.GetProperty("jobId").GetString()!;
        Assert.Equal(id, retried.Json.GetProperty("id").GetString());
        // The first submit never sent its message; the retry does, within the recovery's window.
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Patience);
    }

    [Fact]
    public async Task Job_ComputingThroughAStall_FinishesOnceWithoutComputingAgain()
    {
        var computedBefore = _sequence.Computed;
        var id = await _app.SubmitAsync(SequenceKind.Job(6));
        var hold = _sequence.HoldNext(1);
        await using var listening = _app.StartListening();
        await hold.AllHeld.WaitAsync(Patience);

        StallStorage(true);
        hold.Release();
        // The computation ends during the stall; its final writes wait for storage rather than give the work up.
        await FunctionApp.WaitUntilAsync(() => Task.FromResult(_logs.Records.Any(r => r.EventName == "WriteRetried" && Equals(r.Properties.GetValueOrDefault("JobId"), id))), Patience);
        StallStorage(false);

        await FunctionApp.WaitUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Patience);
        // The finishing write may land with its answer lost (then a retry finds it done): never two finishes.
        Assert.InRange(_transitions.FinishesOf(id), 0, 1);
        Assert.Equal(computedBefore + 6, _sequence.Computed);
        Assert.Equal(SequenceKind.Expected(6), (await _app.GetAsync(Routes.JobPath(id))).Json.GetProperty("result").GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Wait_StorageStalled_EndsWithinTheWaitPlusTheDeadline()
    {
        const int Wait = 2;
        var id = await _app.SubmitAsync(SequenceKind.Job(2));
        StallStorage(true);

        var known = await TimedAsync(() => _app.GetAsync(Routes.JobPath(id) + $"?wait={Wait}"));

        // The first read never came back: no state to answer with, so 503, at the wait plus the deadline.
        Assert.Equal(503, known.Answer.Status);
        Assert.InRange(known.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(Wait) + Deadline + Slack);
    }

    [Fact]
    public async Task SubmitAndWait_StorageStalledAfterAccepting_AnswersTheAcceptedJob()
    {
        const int Wait = 2;
        _calls.Before = method => { if (method == nameof(IJobStore.GetAsync)) StallStorage(true); };
        await using var app = await StalledAtAsync();

        var accepted = await TimedAsync(() => app.PostJobAsync(SequenceKind.Job(2), query: $"?wait={Wait}"));

        Assert.Equal(202, accepted.Answer.Status);
        Assert.Equal("queued", accepted.Answer.Json.GetProperty("status").GetString());
        Assert.InRange(accepted.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(Wait) + Deadline + Slack);
    }

    /// <summary>
    /// The figures README reports: a 30 s stall with jobs computing, callers hitting every endpoint throughout, jobs
    /// submitted before, during and after. Every answer comes within its deadline; every job accepted finishes once.
    /// </summary>
    [Fact]
    public async Task Stall_OfThirtySeconds_EveryAnswerWithinItsDeadlineNothingLostNothingTwice()
    {
        var accepted = new List<string>();
        var mayExist = new List<string>();
        for (var i = 0; i < 5; i++) accepted.Add(await _app.SubmitAsync(SequenceKind.Job(40)));
        var listening = _app.StartListening();
        var someId = accepted[0];

        StallStorage(true);
        var stallEnds = Stopwatch.StartNew();
        var answers = new List<(string Endpoint, int Status, TimeSpan Elapsed, TimeSpan Limit)>();
        var endpoints = new (string Name, TimeSpan Limit, Func<Task<HttpAnswer>> Call)[]
        {
            ("POST /api/jobs", Deadline, () => _app.PostJobAsync(SequenceKind.Job(40))),
            ("GET /api/jobs/{id}", Deadline, () => _app.GetAsync(Routes.JobPath(someId))),
            ("GET /api/jobs/{id}?wait=1", Deadline + TimeSpan.FromSeconds(1), () => _app.GetAsync(Routes.JobPath(someId) + "?wait=1")),
            ("GET /api/jobs/{id}/result", Deadline, () => _app.GetAsync(Routes.JobResultPath(someId))),
            ("DELETE /api/jobs/{id}", Deadline, () => _app.DeleteAsync(Routes.JobPath(JobIds.New()))),
            ("GET /api/jobs", Deadline, () => _app.GetAsync(Routes.JobsPath)),
            ("GET /api/health", Deadline, () => _app.GetAsync(Routes.HealthPath)),
        };
        while (stallEnds.Elapsed < TimeSpan.FromSeconds(30))
        {
            var round = await Task.WhenAll(endpoints.Select(async endpoint => (endpoint, timed: await TimedAsync(endpoint.Call))));
            foreach (var (endpoint, timed) in round)
            {
                answers.Add((endpoint.Name, timed.Answer.Status, timed.Elapsed, endpoint.Limit));
                if (endpoint.Name.StartsWith("POST") && timed.Answer.Status == 503 && timed.Answer.Json.TryGetProperty("jobId", out var id)) mayExist.Add(id.GetString()!);
                if (endpoint.Name.StartsWith("POST") && timed.Answer.Status == 202) accepted.Add(timed.Answer.Json.GetProperty("id").GetString()!);
            }
        }

        var acceptedDuring = accepted.Count - 5;
        StallStorage(false);
        for (var i = 0; i < 5; i++) accepted.Add(await _app.SubmitAsync(SequenceKind.Job(40)));
        // A job answered "may exist" that was stored may have no message: the app's stranded-job recovery sends it (its
        // timer's pass, run here as it would be a window later), and every such job is among those it sends.
        var stranded = new List<string>();
        foreach (var id in mayExist)
        {
            if (await _app.Store.GetAsync(id, CancellationToken.None) is not { } stored) continue;
            accepted.Add(id);
            if (stored.Job.Status == JobStatus.Queued) stranded.Add(id);
        }

        var requeued = await ShiftedRecovery(_app).RequeueStrandedAsync(CancellationToken.None);
        Assert.All(stranded, id => Assert.Contains(id, requeued));

        await FunctionApp.WaitUntilAsync(async () => (await Task.WhenAll(accepted.Select(_app.StatusAsync))).All(s => s?.IsFinished() == true), TimeSpan.FromMinutes(3));
        await listening.DisposeAsync();

        foreach (var group in answers.GroupBy(a => a.Endpoint))
        {
            var ms = group.Select(a => a.Elapsed.TotalMilliseconds).Order().ToList();
            output.WriteLine($"{group.Key}: {group.Count()} answers, {string.Join("/", group.Select(a => a.Status).Distinct().Order())}; " +
                $"p50 {ms[ms.Count / 2]:0} ms, p99 {ms[(int)Math.Ceiling(ms.Count * 0.99) - 1]:0} ms, max {ms[^1]:0} ms");
        }

        var finishedTwice = accepted.Count(id => _transitions.FinishesOf(id) > 1);
        var lost = (await Task.WhenAll(accepted.Select(_app.StatusAsync))).Count(s => s != JobStatus.Succeeded);
        output.WriteLine($"jobs accepted: 5 before, {acceptedDuring} during (+{accepted.Count - 10 - acceptedDuring} answered 503 but stored), 5 after; " +
            $"finished twice {finishedTwice}; lost {lost}");
        Assert.All(answers, a => Assert.InRange(a.Elapsed, TimeSpan.Zero, a.Limit + Slack));
        Assert.All(answers, a => Assert.NotEqual(500, a.Status));
        Assert.Equal(0, finishedTwice);
        Assert.Equal(0, lost);
    }

    /// <summary>An app whose store calls run <see cref="StoreCalls.Before"/>, to stall storage at one exact step; warmed, so the step is the one stalled.</summary>
    private async Task<FunctionApp> StalledAtAsync()
    {
        var app = new FunctionApp(StallingProxy.Route(azurite.ConnectionString, _blob, _queue, _table),
            new Dictionary<string, string?> { ["Storage:RequestDeadlineSeconds"] = $"{DeadlineSeconds}" },
            services =>
            {
                services.AddSingleton<Functions.Compute.IComputeKind>(_sequence);
                _calls.Register(services);
            });
        var before = _calls.Before;
        _calls.Before = null;
        Assert.Equal(404, (await app.GetAsync(Routes.JobPath(JobIds.New()))).Status);
        _calls.Before = before;
        return app;
    }

    private static JobRecovery ShiftedRecovery(FunctionApp app) =>
        ActivatorUtilities.CreateInstance<JobRecovery>(app.Services, new ShiftedTime(JobRecovery.SubmitWindow + TimeSpan.FromSeconds(1)));

    private void StallStorage(bool stalled)
    {
        foreach (var proxy in new[] { _blob, _queue, _table })
        {
            if (stalled) proxy.Stall();
            else proxy.Resume();
        }
    }

    private static async Task<(HttpAnswer Answer, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpAnswer>> request)
    {
        var clock = Stopwatch.StartNew();
        var answer = await request();
        return (answer, clock.Elapsed);
    }

    private static (int Blob, int Queue, int Table) Ports(string connectionString)
    {
        int Port(string name) => int.Parse(System.Text.RegularExpressions.Regex.Match(connectionString, $@"{name}Endpoint=http://127\.0\.0\.1:(\d+)").Groups[1].Value);
        return (Port("Blob"), Port("Queue"), Port("Table"));
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
