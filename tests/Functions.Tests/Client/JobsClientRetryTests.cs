using System.Collections.Concurrent;
using System.Net;
using ComputeFunctions.Client;
using Functions.Tests.Tools;
using Microsoft.Extensions.Time.Testing;
using static Functions.Tests.Client.FakeApiClients;

namespace Functions.Tests.Client;

/// <summary>What the client retries, how long it waits first, and that a retried submit never makes a second job.</summary>
public sealed class JobsClientRetryTests
{
    [Fact]
    public async Task SubmitAsync_503WithRetryAfter_WaitsItThenRetriesWithTheSameKey()
    {
        var time = new FakeTimeProvider();
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = attempt => attempt == 1 ? 503 : null, BusyRetryAfterSeconds = 30, Time = time });
        var retries = new ConcurrentQueue<JobsRetry>();
        var client = Create(api, options =>
        {
            options.TimeProvider = time;
            options.Retry.OnRetry = retries.Enqueue;
        });

        var submit = client.SubmitAsync(new PrimesInput(100));
        // The clock moves only here, a second at a time, so the retry cannot come before 30 s of it have passed.
        await UntilAsync(() => api.SubmissionAttempts == 2, () => time.Advance(TimeSpan.FromSeconds(1)));
        var job = await submit.WaitAsync(Deadline);

        var posts = api.Requests("POST", "/api/jobs");
        Assert.Equal(2, posts.Count);
        Assert.Equal(posts[0].IdempotencyKey, posts[1].IdempotencyKey);
        Assert.Equal(job.IdempotencyKey, posts[1].IdempotencyKey);
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromSeconds(30), $"retried after {posts[1].At - posts[0].At}");
        Assert.Equal(1, api.JobCount);
        var retry = Assert.Single(retries);
        Assert.Equal((HttpMethod.Post, 1, TimeSpan.FromSeconds(30)), (retry.Method, retry.Attempt, retry.Delay));
        var busy = Assert.IsType<JobsApiException>(retry.Failure);
        Assert.Equal((503, "Too busy", TimeSpan.FromSeconds(30)), (busy.Status, busy.Title, busy.RetryAfter));
    }

    [Fact]
    public async Task SubmitAsync_503AfterTheJobWasStored_RetryReturnsThatJob()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { LosesAnswer = attempt => attempt == 1 });
        var retries = new ConcurrentQueue<JobsRetry>();
        var client = Create(api, options => options.Retry.OnRetry = retries.Enqueue);

        var job = await client.SubmitAsync(new PrimesInput(100));

        Assert.Equal((2, 1), (api.SubmissionAttempts, api.JobCount));
        var lost = Assert.IsType<JobsApiException>(Assert.Single(retries).Failure);
        Assert.Equal(503, lost.Status);
        Assert.Equal(job.Id, lost.Extensions["jobId"].GetString());
        Assert.Single(api.Requests("POST", "/api/jobs").Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task SubmitAsync_ConnectionResetAfterTheJobWasStored_RetryReturnsThatJob()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { ResetsAfterStoring = attempt => attempt == 1 });
        var retries = new ConcurrentQueue<JobsRetry>();
        var client = Create(api, options => options.Retry.OnRetry = retries.Enqueue);

        var job = await client.SubmitAsync(new PrimesInput(100));

        Assert.Equal((2, 1), (api.SubmissionAttempts, api.JobCount));
        Assert.IsType<HttpRequestException>(Assert.Single(retries).Failure);
        Assert.Equal(JobStatus.Queued, job.Job.Status);
        Assert.Single(api.Requests("POST", "/api/jobs").Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task SubmitAsync_BusyPastTheRetries_ThrowsTheLastAnswerWithTheKey()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = _ => 429, BusyRetryAfterSeconds = 0 });
        var client = Create(api, options => options.Retry.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new PrimesInput(100)));

        Assert.Equal((429, TimeSpan.Zero), (error.Status, error.RetryAfter));
        Assert.Equal(3, api.SubmissionAttempts);
        Assert.Equal(api.Requests.Select(r => r.IdempotencyKey).Distinct(), [error.IdempotencyKey]);
        Assert.Equal(0, api.JobCount);
    }

    [Fact]
    public async Task SubmitAsync_RetriesOff_ThrowsTheFirstBusyAnswer()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = _ => 503 });
        var client = Create(api, options => options.Retry.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<JobsApiException>(() => client.SubmitAsync(new PrimesInput(100)));

        Assert.Equal(503, error.Status);
        Assert.Equal(1, api.SubmissionAttempts);
    }

    [Fact]
    public async Task SendAsync_PostWithoutKey_IsNotRetried()
    {
        // The public calls always send a key; this is the rule that makes that matter.
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = _ => 503 });
        var options = new JobsClientOptions();
        options.Retry.Delay = TimeSpan.Zero;
        var transport = new JobsTransport(api.BaseUrl, null, new HttpClient(), options);
        var body = """{"kind":"primes","input":{"limit":100}}"""u8.ToArray();

        using var keyless = await transport.SendAsync(new JobsRequest(HttpMethod.Post, "api/jobs", body), CancellationToken.None);
        var keylessAttempts = api.SubmissionAttempts;
        using var keyed = await transport.SendAsync(new JobsRequest(HttpMethod.Post, "api/jobs", body, "k-1"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, keyless.StatusCode);
        Assert.Equal(1, keylessAttempts);
        Assert.Equal(1 + 1 + options.Retry.MaxRetries, api.SubmissionAttempts);
    }

    [Fact]
    public async Task SubmitAsync_NoAnswerWithinTheNetworkTimeout_RetriesThenThrowsTimeout()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { HangsSubmissions = true });
        var retries = new ConcurrentQueue<JobsRetry>();
        var client = Create(api, options =>
        {
            options.NetworkTimeout = TimeSpan.FromMilliseconds(200);
            options.Retry.MaxRetries = 1;
            options.Retry.OnRetry = retries.Enqueue;
        });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.SubmitAsync(new PrimesInput(100)));

        Assert.Contains("POST /api/jobs: no answer within 0.2 s", error.Message);
        Assert.IsType<TimeoutException>(Assert.Single(retries).Failure);
        Assert.Equal(2, api.SubmissionAttempts);
    }
}
