using System.Net;
using System.Text;
using System.Text.Json;
using ComputeFunctions.Client;
using Functions.Compute;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Client;

/// <summary>
/// The client against the app's real composition on Azurite, over real HTTP: every call, a lost submit answer retried
/// into the one job, a wait longer than the server's cap, cancellation, a 404 and a bad input's field.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobsClientAppTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EveryCall_PrimesJob_AgreesOnTheCount()
    {
        await using var host = await StartAsync();
        await using var listening = host.App.StartListening();
        var client = new JobsClient(host.BaseUri);

        var primes = await client.SubmitAndWaitAsync(new PrimesInput(1_000_000), timeout: Deadline);
        var read = await client.GetAsync(primes.Id);
        var succeeded = await client.ListAsync(JobStatus.Succeeded, pageSize: 100).Select(job => job.Id).ToListAsync();
        await using var result = await client.OpenResultAsync(primes.Id);
        var stored = await JsonDocument.ParseAsync(result.Content);
        var kinds = await client.GetKindsAsync();

        Assert.Equal(78498, primes.Value.Count);
        Assert.Equal((JobStatus.Succeeded, 1.0), (read.Status, read.Progress));
        Assert.Contains(primes.Id, succeeded);
        Assert.Equal("application/json", result.ContentType);
        Assert.Equal(78498, stored.RootElement.GetProperty("count").GetInt64());
        // Every kind the app registers, each with its input fields, as the client reads them.
        Assert.Equal(
            host.App.Services.GetServices<IComputeKind>().Select(kind => (kind.Name, string.Join(',', kind.Description.Input.Select(field => field.Name)))).Order(),
            kinds.Select(kind => (kind.Name, string.Join(',', kind.Input.Select(field => field.Name)))).Order());
    }

    [Fact]
    public async Task SubmitAndWaitAsync_Mandelbrot_StreamsThePngItDescribes()
    {
        await using var host = await StartAsync();
        await using var listening = host.App.StartListening();
        var client = new JobsClient(host.BaseUri);

        var set = await client.SubmitAndWaitAsync(new MandelbrotInput { Width = 64, Height = 48, MaxIterations = 200 }, timeout: Deadline);
        await using var png = await set.OpenResultAsync();
        using var bytes = new MemoryStream();
        await png.Content.CopyToAsync(bytes);

        Assert.Equal((64, 48, 200), (set.Value.Width, set.Value.Height, set.Value.MaxIterations));
        Assert.Equal("image/png", png.ContentType);
        Assert.Equal(set.Value.PngBytes, bytes.Length);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.ToArray()[..4]);
    }

    [Fact]
    public async Task SubmitAndWaitAsync_HashSearch_FindsAHashWithTheZeroBits()
    {
        await using var host = await StartAsync();
        await using var listening = host.App.StartListening();
        var client = new JobsClient(host.BaseUri);

        var search = await client.SubmitAndWaitAsync(new HashSearchInput("hello", 8), timeout: Deadline);

        Assert.True(search.Value.Found);
        Assert.True(search.Value.LeadingZeroBits >= 8);
        Assert.StartsWith("00", search.Value.Hash);
        Assert.NotNull(search.Value.Nonce);
    }

    [Fact]
    public async Task CancelAsync_QueuedJob_IsCanceledAndHasNoResult()
    {
        await using var host = await StartAsync();
        var client = new JobsClient(host.BaseUri);
        var job = await client.SubmitAsync(new PrimesInput(1_000_000));

        var canceled = await job.CancelAsync();
        var again = await client.CancelAsync(job.Id);
        var noResult = await Assert.ThrowsAsync<JobsApiException>(() => client.OpenResultAsync(job.Id));

        Assert.Equal((JobStatus.Canceled, JobStatus.Canceled), (canceled.Status, again.Status));
        Assert.Equal((409, "id"), (noResult.Status, noResult.Field));
    }

    [Fact]
    public async Task SubmitAsync_AnswerLostAs503_RetryWithTheSameKeyGetsTheOneJob()
    {
        await using var host = await StartAsync();
        var losing = new LoseFirstSubmitAnswer { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(losing);
        var client = new JobsClient(host.BaseUri, httpClient: http);

        var job = await client.SubmitAsync(new PrimesInput(1_000_000));

        Assert.Equal(2, losing.Submits);
        Assert.Equal(losing.LostJobId, job.Id);
        Assert.Single(losing.Keys.Distinct());
        var listed = await client.ListAsync(JobStatus.Queued, pageSize: 100).Where(listedJob => listedJob.Id == job.Id).CountAsync();
        Assert.Equal(1, listed);
    }

    [Fact]
    public async Task WaitForCompletionAsync_LongerThanTheServersCap_LongPollsUntilTheJobFinishes()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Jobs:MaxWaitSeconds"] = "1" });
        var counting = new CountingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(counting);
        var client = new JobsClient(host.BaseUri, httpClient: http, options: new JobsClientOptions { LongPollWait = TimeSpan.FromSeconds(30) });
        var job = await client.SubmitAsync(new PrimesInput(1_000_000));

        // Nothing computes until three status requests, each held at most the server's 1 s, have come back unfinished.
        var wait = job.WaitForCompletionAsync(TimeSpan.FromMinutes(2));
        await FunctionApp.WaitUntilAsync(() => Task.FromResult(counting.StatusRequests >= 3), Deadline);
        await using (host.App.StartListening())
        {
            var finished = await wait.WaitAsync(Deadline);

            Assert.Equal(JobStatus.Succeeded, finished.Status);
        }
        Assert.All(counting.StatusQueries, query => Assert.Equal("?wait=30", query));
        Assert.Equal(78498, job.Value.Count);
    }

    [Fact]
    public async Task WaitForCompletionAsync_Canceled_StopsTheHeldRequest()
    {
        await using var host = await StartAsync();
        var counting = new CountingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(counting);
        var client = new JobsClient(host.BaseUri, httpClient: http, options: new JobsClientOptions { LongPollWait = TimeSpan.FromSeconds(90) });
        var job = await client.SubmitAsync(new PrimesInput(1_000_000));
        using var cancel = new CancellationTokenSource();

        var wait = client.WaitForCompletionAsync(job.Id, cancellationToken: cancel.Token);
        await FunctionApp.WaitUntilAsync(() => Task.FromResult(counting.StatusRequests >= 1), Deadline);
        await cancel.CancelAsync();

        // The server would hold the request 90 s: ending well before shows the request itself was canceled.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GetAsync_UnknownJob_Throws404NamingTheId()
    {
        await using var host = await StartAsync();
        var client = new JobsClient(host.BaseUri);

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.GetAsync(new string('f', 32)));

        Assert.Equal((404, "Job not found", "id"), (error.Status, error.Title, error.Field));
    }

    [Fact]
    public async Task SubmitAsync_BadInput_ThrowsTheFieldAtFault()
    {
        await using var host = await StartAsync();
        var client = new JobsClient(host.BaseUri);

        var limit = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new PrimesInput(-1)));
        var kind = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync("nosuchkind", JsonSerializer.SerializeToElement(new { n = 1 })));

        Assert.Equal((400, "input.limit"), (limit.Status, limit.Field));
        Assert.Equal((400, "kind"), (kind.Status, kind.Field));
        Assert.NotNull(limit.IdempotencyKey);
    }

    /// <summary>The app as Program.cs composes it, with <paramref name="settings"/> on top, served over real HTTP on loopback.</summary>
    private async Task<Served> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = new FunctionApp(azurite.ConnectionString, settings);
        await app.ClearQueuesAsync();
        return new Served(app, await app.ServeAsync());
    }

    private sealed class Served(FunctionApp app, AppServer server) : IAsyncDisposable
    {
        public FunctionApp App => app;

        public Uri BaseUri => server.BaseAddress;

        public async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Lets the first submit reach the app, then answers it 503 as a proxy that lost the answer would.</summary>
    private sealed class LoseFirstSubmitAnswer : DelegatingHandler
    {
        private int _submits;

        public int Submits => _submits;

        public string? LostJobId { get; private set; }

        public List<string> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Post) return response;
            lock (Keys) Keys.Add(request.Headers.GetValues("Idempotency-Key").Single());
            if (Interlocked.Increment(ref _submits) != 1) return response;

            using (response)
            {
                using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                LostJobId = body.RootElement.GetProperty("id").GetString();
            }
            var lost = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("""{"status":503,"title":"Bad gateway","detail":"The answer was lost."}""", Encoding.UTF8, "application/problem+json"),
                RequestMessage = request,
            };
            lost.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return lost;
        }
    }

    /// <summary>Counts the status requests (<c>GET /api/jobs/{id}</c>) and keeps their queries.</summary>
    private sealed class CountingHandler : DelegatingHandler
    {
        private readonly List<string> _queries = [];

        public int StatusRequests
        {
            get
            {
                lock (_queries) return _queries.Count;
            }
        }

        public IReadOnlyList<string> StatusQueries
        {
            get
            {
                lock (_queries) return [.. _queries];
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path.StartsWith("/api/jobs/", StringComparison.Ordinal) && !path.EndsWith("/result", StringComparison.Ordinal))
                lock (_queries) _queries.Add(request.RequestUri.Query);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
