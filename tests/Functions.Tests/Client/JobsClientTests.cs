using System.Text.Json;
using ComputeFunctions.Client;
using Functions.Tests.Tools;
using Microsoft.Extensions.DependencyInjection;
using static Functions.Tests.Client.FakeApiClients;

namespace Functions.Tests.Client;

/// <summary>Every call of the client, over real HTTP, against a loopback server that speaks the API.</summary>
public sealed class JobsClientTests
{
    [Fact]
    public async Task SubmitAndWaitAsync_Primes_LongPollsTheSubmitAndReadsTheTypedCount()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 2 });
        var client = Create(api, functionKey: "secret-key");
        var progress = new Recorder();

        var primes = await client.SubmitAndWaitAsync(new PrimesInput(1_000_000), progress: progress);

        Assert.Equal(78498, primes.Value.Count);
        Assert.True(primes.HasCompleted && primes.HasValue);
        Assert.Equal(["queued", "queued", "running"], progress.Statuses);
        var submit = Assert.Single(api.Requests(HttpMethods.Post, "/api/jobs"));
        Assert.Equal("?wait=60", submit.Query);
        Assert.Equal(3, api.StatusRequests);
        Assert.All(api.Requests, request => Assert.Equal("secret-key", request.FunctionKey));
        Assert.All(api.Requests, request => Assert.StartsWith("ComputeFunctions.Client/", request.UserAgent));
    }

    [Fact]
    public async Task SubmitAsync_NoKeyGiven_SendsAFreshKeyWithEverySubmit()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);

        var first = await client.SubmitAsync(new PrimesInput(100));
        var second = await client.SubmitAsync(new PrimesInput(100));

        var keys = api.Requests(HttpMethods.Post, "/api/jobs").Select(r => r.IdempotencyKey).ToList();
        Assert.Equal([first.IdempotencyKey, second.IdempotencyKey], keys);
        Assert.All(keys, key => Assert.Matches("^[0-9a-f]{32}$", key));
        Assert.NotEqual(first.IdempotencyKey, second.IdempotencyKey);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(JobStatus.Queued, first.Job.Status);
    }

    [Fact]
    public async Task SubmitAsync_SameKeyTwice_ReturnsTheOneJob()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);

        var first = await client.SubmitAsync(new PrimesInput(100), "order-42");
        var again = await client.SubmitAsync(new PrimesInput(100), "order-42");

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("order-42", again.IdempotencyKey);
        Assert.Equal(1, api.JobCount);
        Assert.All(api.Requests(HttpMethods.Post, "/api/jobs"), request => Assert.Equal("order-42", request.IdempotencyKey));
    }

    [Fact]
    public async Task SubmitAndWaitAsync_Mandelbrot_ReadsTheSummaryAndStreamsThePng()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 1 });
        var client = Create(api);

        var set = await client.SubmitAndWaitAsync(new MandelbrotInput { Width = 1, Height = 1 });
        await using var png = await set.OpenResultAsync();
        using var bytes = new MemoryStream();
        await png.Content.CopyToAsync(bytes);

        Assert.Equal(FakeJobApi.Png.Length, set.Value.PngBytes);
        Assert.Equal((1, 1, 1000), (set.Value.Width, set.Value.Height, set.Value.MaxIterations));
        Assert.Equal($"/api/jobs/{set.Id}/result", set.Job.ResultUrl);
        Assert.Equal("image/png", png.ContentType);
        Assert.Equal(FakeJobApi.Png.Length, png.Length);
        Assert.Equal(FakeJobApi.Png, bytes.ToArray());
    }

    [Fact]
    public async Task SubmitAndWaitAsync_HashSearch_ReadsTheNonceAsUnsigned()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 0 });
        var client = Create(api);

        var search = await client.SubmitAndWaitAsync(new HashSearchInput("hello", 20));

        Assert.True(search.Value.Found);
        Assert.Equal(ulong.MaxValue, search.Value.Nonce);
        Assert.Equal(("00000a1b", 20, 20, 1048576L), (search.Value.Hash, search.Value.Difficulty, search.Value.LeadingZeroBits, search.Value.HashesComputed));
    }

    [Fact]
    public async Task SubmitAndWaitAsync_KindAndStateTheClientDoesNotKnow_WaitsAndGivesTheRawResult()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 2 });
        var client = Create(api);
        var progress = new Recorder();

        var job = await client.SubmitAndWaitAsync("collatz", JsonSerializer.SerializeToElement(new { n = 27 }), progress: progress);

        Assert.Equal(["throttled", "throttled", "throttled"], progress.Statuses);
        Assert.Equal(JobStatus.Succeeded, job.Job.Status);
        Assert.Equal(111, job.Job.Result!.Value.GetProperty("steps").GetInt32());
        Assert.Equal(9232, job.Job.GetResult<CollatzResult>()!.Peak);
    }

    [Fact]
    public async Task SubmitAndWaitAsync_JobFails_ValueThrowsWithTheJobsError()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 1, Fails = _ => true });
        var client = Create(api);

        var primes = await client.SubmitAndWaitAsync(new PrimesInput(100));

        Assert.False(primes.HasValue);
        var failed = Assert.Throws<JobFailedException>(() => primes.Value);
        Assert.Equal(JobStatus.Failed, failed.Job.Status);
        Assert.Equal("kernel-error", failed.Job.Error?.Code);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ThrowsProblemNamingTheId()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.GetAsync(new string('f', 32)));

        Assert.Equal((404, "Job not found", "id"), (error.Status, error.Title, error.Field));
        Assert.Contains("ffff", error.Detail);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task SubmitAsync_BadInput_ThrowsProblemNamingTheFieldWithoutRetrying()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new PrimesInput(-1)));

        Assert.Equal((400, "input.limit"), (error.Status, error.Field));
        Assert.Equal("input.limit must be at least 2", error.Detail);
        Assert.Equal(1, api.SubmissionAttempts);
        Assert.Equal(api.Requests.Single().IdempotencyKey, error.IdempotencyKey);
        Assert.Contains("(field 'input.limit')", error.Message);
    }

    [Fact]
    public async Task CancelAsync_PendingJob_IsCanceledAndHasNoResult()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true });
        var client = Create(api);
        var job = await client.SubmitAsync(new PrimesInput(100));

        var canceled = await job.CancelAsync();
        var again = await client.CancelAsync(job.Id);
        var noResult = await Assert.ThrowsAsync<JobsApiException>(() => job.OpenResultAsync());

        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.True(job.HasCompleted);
        Assert.Equal(JobStatus.Canceled, again.Status);
        Assert.Equal(409, noResult.Status);
    }

    [Fact]
    public async Task CancelAsync_SucceededJob_Throws409()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 0 });
        var client = Create(api);
        var job = await client.SubmitAndWaitAsync(new PrimesInput(100));

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.CancelAsync(job.Id));

        Assert.Equal((409, "Job already finished", "id"), (error.Status, error.Title, error.Field));
    }

    [Fact]
    public async Task OpenResultAsync_PendingJob_Throws202()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true });
        var client = Create(api);
        var job = await client.SubmitAsync(new MandelbrotInput());

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.OpenResultAsync(job.Id));

        Assert.Equal(202, error.Status);
        Assert.Contains(job.Id, error.Detail);
    }

    [Fact]
    public async Task GetAsync_PendingJob_ReadsItAndSkipsPropertiesItDoesNotKnow()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true });
        var client = Create(api);
        var submitted = await client.SubmitAsync(new PrimesInput(100));

        var job = await client.GetAsync(submitted.Id);
        var updated = await submitted.UpdateStatusAsync();

        Assert.Equal((submitted.Id, "primes", JobStatus.Queued), (job.Id, job.Kind, job.Status));
        Assert.Equal($"/api/jobs/{submitted.Id}", job.StatusUrl);
        Assert.Equal(JobStatus.Running, updated.Status);
        Assert.Same(updated, submitted.Job);
    }

    [Fact]
    public async Task ListAsync_PagesOfTwo_FollowsNextUrlNewestFirst()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await client.SubmitAsync(new PrimesInput(100 + i))).Id);

        var listed = await client.ListAsync(pageSize: 2).Select(job => job.Id).ToListAsync();

        Assert.Equal(Enumerable.Reverse(ids), listed);
        var pages = api.Requests(HttpMethods.Get, "/api/jobs").Select(r => r.Query).ToList();
        Assert.Equal(["?top=2", "?top=2&continuationToken=2", "?top=2&continuationToken=4"], pages);
    }

    [Fact]
    public async Task ListAsync_ByStatus_ListsOnlyThoseJobs()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true });
        var client = Create(api);
        var jobs = new List<JobOperation>();
        for (var i = 0; i < 3; i++) jobs.Add(await client.SubmitAsync(new PrimesInput(100 + i)));
        await jobs[1].CancelAsync();

        var canceled = await client.ListAsync(JobStatus.Canceled).ToListAsync();

        Assert.Equal(jobs[1].Id, Assert.Single(canceled).Id);
        Assert.Equal("?status=canceled", api.Requests(HttpMethods.Get, "/api/jobs").Single().Query);
    }

    [Fact]
    public async Task GetKindsAsync_ListsTheKindsWithTheirFields()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());
        var client = Create(api);

        var kinds = await client.GetKindsAsync();

        Assert.Equal(["primes", "mandelbrot"], kinds.Select(kind => kind.Name));
        var limit = Assert.Single(kinds[0].Input);
        Assert.Equal(("limit", "integer", true), (limit.Name, limit.Type, limit.Required));
        Assert.Equal((0.0, 1e13), (limit.Minimum!.Value, limit.Maximum!.Value));
        Assert.Equal(1024, kinds[1].Input[0].Default!.Value.GetInt32());
        Assert.Equal(10_000_000_000, kinds[0].Example!.Value.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task AddJobsClient_ResolvedClient_SendsThroughTheFactoryWithTheKey()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 0 });
        var services = new ServiceCollection();
        services.AddJobsClient(api.BaseUrl, "factory-key", options => options.LongPollWait = TimeSpan.FromSeconds(7));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<JobsClient>();
        var job = await client.SubmitAndWaitAsync(new PrimesInput(100));

        Assert.Equal(78498, job.Value.Count);
        Assert.Equal("?wait=7", api.Requests(HttpMethods.Post, "/api/jobs").Single().Query);
        Assert.All(api.Requests, request => Assert.Equal("factory-key", request.FunctionKey));
    }

    private sealed record CollatzResult(int Steps, int Peak);

    private static class HttpMethods
    {
        public const string Get = "GET";
        public const string Post = "POST";
    }
}
