using System.Net.Http.Headers;
using System.Net;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Functions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Http;

/// <summary>The event streams over real HTTP: order, resume, heartbeat, the end of a stream, a caller going away, many jobs.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobEventsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly SequenceKind _sequence = new();
    private FunctionApp _app = null!;
    private AppServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync() => (_app, _server, _http) = await StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task OneJob_SendsItNowThenEachChangeThenItsEndAndCloses()
    {
        var hold = _sequence.HoldNext(1);
        var id = await _app.SubmitAsync(SequenceKind.Job(chunks: 2));
        using var timeout = new CancellationTokenSource(Deadline);
        var (response, stream) = await OpenAsync(Routes.JobEventsPath(id));
        using var _ = response;

        var first = await stream.NextAsync(timeout.Token);
        var queued = await stream.NextEventAsync(timeout.Token);
        await using var listening = _app.StartListening();
        var running = await stream.NextEventAsync(timeout.Token);
        hold.Release();
        var rest = await stream.ToEndAsync(timeout.Token);

        Assert.Equal(EventStreamWriter.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)JobEventStream.Retry.TotalMilliseconds, first!.Retry);
        Assert.Equal(("job", "queued", "q0"), (queued!.Type, queued.Status, queued.Id));
        Assert.Equal(("job", "running"), (running!.Type, running.Status));
        var done = rest[^1];
        Assert.Equal(("done", "succeeded", "s"), (done.Type, done.Status, done.Id));
        Assert.Equal("[0,1]", done.Json.GetProperty("result").GetProperty("sequence").GetRawText());
        Assert.All(rest[..^1], e => Assert.Equal(("job", "running"), (e.Type, e.Status)));
        // Every id says a newer state than the one before it.
        var marks = new[] { queued, running }.Concat(rest).Select(e => JobEventId.Parse(e.Id!)).ToList();
        Assert.All(marks.Zip(marks.Skip(1)), pair => Assert.True(pair.Second!.Value.IsNewerThan(pair.First)));
    }

    [Fact]
    public async Task FinishedJob_OneEventAndTheEnd()
    {
        var id = await _app.SubmitAsync(SequenceKind.Job(chunks: 1));
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        using var timeout = new CancellationTokenSource(Deadline);

        var (response, stream) = await OpenAsync(Routes.JobEventsPath(id));
        using var _ = response;
        var events = await stream.ToEndAsync(timeout.Token);

        var only = Assert.Single(events);
        Assert.Equal(("done", "succeeded", "s"), (only.Type, only.Status, only.Id));
    }

    [Fact]
    public async Task Resume_LastEventIdOfAStateSeen_SendsOnlyNewerStates()
    {
        var id = await _app.SubmitAsync(SequenceKind.Job(chunks: 1));
        using var timeout = new CancellationTokenSource(Deadline);
        var (response, stream) = await OpenAsync(Routes.JobEventsPath(id), lastEventId: "q0");
        using var _ = response;

        // Nothing the caller has seen: the queued state is not sent again; the next event is the end.
        await using (_app.StartListening())
        {
            var events = await stream.ToEndAsync(timeout.Token);
            Assert.DoesNotContain(events, e => e.Status == "queued");
            Assert.Equal("done", events[^1].Type);
        }
    }

    [Fact]
    public async Task Resume_AfterTheJobFinishedWhileAway_SendsTheFinalState()
    {
        var id = await _app.SubmitAsync(SequenceKind.Job(chunks: 1));
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        using var timeout = new CancellationTokenSource(Deadline);

        var (response, stream) = await OpenAsync(Routes.JobEventsPath(id), lastEventId: "r0");
        using var _ = response;
        var events = await stream.ToEndAsync(timeout.Token);
        using var seenTheEnd = await GetAsync(Routes.JobEventsPath(id), lastEventId: "s");

        Assert.Equal(("done", "succeeded"), (Assert.Single(events).Type, events[0].Status));
        // 204 is what tells a browser's EventSource to stop reconnecting.
        Assert.Equal(HttpStatusCode.NoContent, seenTheEnd.StatusCode);
    }

    [Fact]
    public async Task UnknownOrMalformedId_Is404Problem()
    {
        using var unknown = await GetAsync(Routes.JobEventsPath(JobIds.New()));
        using var malformed = await GetAsync(Routes.JobEventsPath("nope"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(Problems.ContentType, unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    [Fact]
    public async Task CallerGoesAway_TheWatchTheHeartbeatAndTheReadsStopAtOnce()
    {
        var id = await _app.SubmitAsync(SequenceKind.Job(chunks: 1));
        var events = _app.Services.GetRequiredService<JobEvents>();
        var watch = _app.Services.GetRequiredService<JobWatch>();
        using var timeout = new CancellationTokenSource(Deadline);
        var (response, stream) = await OpenAsync(Routes.JobEventsPath(id));
        Assert.Equal("queued", (await stream.NextEventAsync(timeout.Token))!.Status);
        Assert.Equal((1, 1), (events.OpenStreams, watch.WatchedJobs));

        // The browser tab closes: the connection goes, nothing says goodbye.
        response.Dispose();
        _http.Dispose();
        _http = _server.CreateClient();

        await FunctionApp.WaitUntilAsync(() => Task.FromResult(events.OpenStreams == 0 && watch.WatchedJobs == 0), Deadline);
    }

    [Fact]
    public async Task ManyJobs_OneStreamCarriesEachJobToItsEndThenEnds()
    {
        var first = await _app.SubmitAsync(SequenceKind.Job(chunks: 1));
        var second = await _app.SubmitAsync(SequenceKind.Job(chunks: 3));
        var unknown = JobIds.New();
        var ids = $"?ids={first},{second},{unknown}";
        using var timeout = new CancellationTokenSource(Deadline);
        var (response, stream) = await OpenAsync(Routes.EventsPath + ids);
        using var _ = response;

        var now = new List<StreamRecord>();
        while (now.Count < 3) now.Add((await stream.NextEventAsync(timeout.Token))!);
        await using var listening = _app.StartListening();
        var events = now.Concat(await stream.ToEndAsync(timeout.Token)).ToList();
        using var seenAll = await GetAsync(Routes.EventsPath + ids, lastEventId: "s.s.x");

        Assert.Equal(["job", "job", "missing"], now.Select(e => e.Type).Order());
        Assert.All(now.Where(e => e.Type == "job"), e => Assert.Equal("queued", e.Status));
        Assert.Equal(unknown, now.Single(e => e.Type == "missing").Json.GetProperty("id").GetString());
        Assert.Equal(new[] { first, second }.Order(), events.Where(e => e.Type == "done").Select(e => e.Json.GetProperty("id").GetString()).Order());
        Assert.Equal("end", events[^1].Type);
        // The last id holds every job's mark in the order of ?ids=: both finished, the third missing.
        Assert.Equal("s.s.x", events.Last(e => e.Id is not null).Id);
        Assert.Equal(HttpStatusCode.NoContent, seenAll.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ids=")]
    [InlineData("?ids=nope")]
    [InlineData("?ids=a&ids=b")]
    public async Task ManyJobs_BadIds_Is400NamingIds(string query)
    {
        using var answer = await GetAsync(Routes.EventsPath + query);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("\"field\":\"ids\"", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ManyJobs_MoreThanAPage_Is400()
    {
        var ids = string.Join(',', Enumerable.Range(0, JobEvents.MaxJobs + 1).Select(_ => JobIds.New()));

        using var answer = await GetAsync(Routes.EventsPath + "?ids=" + ids);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }

    [Fact]
    public async Task QuietStream_HasAHeartbeatEvery15SecondsAndEndsByItselfBefore230Seconds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, server, http) = await StartAsync(clock);
        await using var _ = app;
        await using var __ = server;
        using var ___ = http;
        var id = await app.SubmitAsync(SequenceKind.Job(chunks: 1));
        using var timeout = new CancellationTokenSource(Deadline);
        var (response, stream) = await OpenAsync(http, Routes.JobEventsPath(id), null);
        using var ____ = response;
        Assert.Equal("queued", (await stream.NextEventAsync(timeout.Token))!.Status);

        clock.Advance(JobEventStream.Heartbeat);
        var beat = await stream.NextAsync(timeout.Token);
        var limit = TimeSpan.FromSeconds(new WatchOptions().MaxStreamSeconds);
        clock.Advance(limit - JobEventStream.Heartbeat - TimeSpan.FromSeconds(1));
        var stillOpen = await stream.NextAsync(timeout.Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var beforeTheEnd = new List<StreamRecord>();
        while (await stream.NextAsync(timeout.Token) is { } record) beforeTheEnd.Add(record);

        Assert.Equal(("heartbeat", null), (beat!.Comment, beat.Type));
        Assert.Equal("heartbeat", stillOpen!.Comment);
        // The stream has ended (the reader saw its end), with nothing but heartbeats after the last one read.
        Assert.All(beforeTheEnd, record => Assert.Equal("heartbeat", record.Comment));
        Assert.InRange(limit.TotalSeconds, 1, 229);
    }

    private async Task<(FunctionApp, AppServer, HttpClient)> StartAsync(TimeProvider? clock = null)
    {
        var app = new FunctionApp(azurite.ConnectionString, addTestServices: services =>
        {
            services.AddSingleton<IComputeKind>(_sequence);
            if (clock is not null) services.AddSingleton(clock);
        });
        await app.ClearQueuesAsync();
        var server = await app.ServeAsync();
        return (app, server, server.CreateClient());
    }

    private Task<(HttpResponseMessage, EventStreamReader)> OpenAsync(string path, string? lastEventId = null) => OpenAsync(_http, path, lastEventId);

    private static async Task<(HttpResponseMessage, EventStreamReader)> OpenAsync(HttpClient http, string path, string? lastEventId)
    {
        using var request = Request(path, lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, new EventStreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? lastEventId = null)
    {
        using var request = Request(path, lastEventId);
        return await _http.SendAsync(request);
    }

    private static HttpRequestMessage Request(string path, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStreamWriter.ContentType));
        if (lastEventId is not null) request.Headers.Add(JobEvents.LastEventIdHeader, lastEventId);
        return request;
    }
}
