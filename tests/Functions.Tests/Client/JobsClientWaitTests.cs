using ComputeFunctions.Client;
using Functions.Tests.Fixtures;
using Functions.Tests.Tools;
using Microsoft.Extensions.Time.Testing;
using static Functions.Tests.Client.FakeApiClients;

namespace Functions.Tests.Client;

/// <summary>Waiting for a job: long-polls past the server's cap, the Retry-After pace, cancellation and timeouts.</summary>
[Trait("Category", TestCategories.Slow)]
public sealed class JobsClientWaitTests
{
    [Fact]
    public async Task WaitForCompletionAsync_LongerThanTheServersCap_LongPollsAgainUntilTheJobFinishes()
    {
        // The server holds each request at most 1 s; the client asks for 30 s each time and gets 202 back early.
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { HoldsWaits = true, MaxWaitSeconds = 1, PendingPolls = int.MaxValue });
        var client = Create(api, options => options.LongPollWait = TimeSpan.FromSeconds(30));
        var job = await client.SubmitAsync(new PrimesInput(100));

        var wait = client.WaitForCompletionAsync(job.Id, TimeSpan.FromMinutes(5));
        await api.StatusRequestsReached(3).WaitAsync(Deadline);
        api.Finish(job.Id);
        var finished = await wait.WaitAsync(Deadline);

        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.True(api.StatusRequests >= 3);
        Assert.All(api.WaitValues, wait => Assert.Equal("30", wait));
    }

    [Fact]
    public async Task WaitForCompletionAsync_ServerIgnoresTheWait_PollsAtItsRetryAfterPace()
    {
        var time = new FakeTimeProvider();
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 2, RetryAfterSeconds = 30, Time = time });
        var client = Create(api, options => options.TimeProvider = time);
        var job = await client.SubmitAsync(new PrimesInput(100));

        var wait = client.WaitForCompletionAsync(job.Id);
        // The clock moves only here, a second at a time: a poll sent early would be stamped within a second of the one before.
        await UntilAsync(() => api.StatusRequests == 3, () => time.Advance(TimeSpan.FromSeconds(1)));
        var finished = await wait.WaitAsync(Deadline);

        var polls = api.Requests("GET", $"/api/jobs/{job.Id}");
        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.Equal(3, polls.Count);
        // Retry-After counts from the start of the previous request, which the clock may have passed by one step when the server stamped it.
        Assert.All(polls.Zip(polls.Skip(1)), pair => Assert.InRange(pair.Second.At - pair.First.At, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31)));
    }

    [Fact]
    public async Task WaitForCompletionAsync_Canceled_EndsTheRequestTheServerIsHolding()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { HoldsWaits = true, NeverFinishes = true });
        var client = Create(api);
        var job = await client.SubmitAsync(new PrimesInput(100));
        using var cancel = new CancellationTokenSource();

        var wait = job.WaitForCompletionAsync(cancellationToken: cancel.Token);
        await api.StatusRequestsReached(1).WaitAsync(Deadline);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Deadline));
        await api.AbortedWaitsReached(1).WaitAsync(Deadline);
        Assert.Equal("60", Assert.Single(api.WaitValues));
    }

    [Fact]
    public async Task WaitForCompletionAsync_TimeoutPasses_ThrowsWithTheJobAsLastSeen()
    {
        var time = new FakeTimeProvider();
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true, RetryAfterSeconds = 60, Time = time });
        var client = Create(api, options => options.TimeProvider = time);
        var job = await client.SubmitAsync(new PrimesInput(100));
        var seen = new Recorder();

        var wait = job.WaitForCompletionAsync(TimeSpan.FromSeconds(5), seen);
        await UntilAsync(() => seen.Statuses.Count == 1);
        time.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<JobTimeoutException>(() => wait.WaitAsync(Deadline));
        Assert.Equal((job.Id, TimeSpan.FromSeconds(5)), (timeout.JobId, timeout.Timeout));
        Assert.Equal(JobStatus.Queued, timeout.LastSeen?.Status);
        Assert.Equal("5", Assert.Single(api.WaitValues));
        Assert.False(job.HasCompleted);
    }

    [Fact]
    public async Task WaitForCompletionAsync_HttpClientTimeoutShorterThanTheLongPoll_AsksForLessThanIt()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 0 });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var client = Create(api, http: http);
        var job = await client.SubmitAsync(new PrimesInput(100));

        await job.WaitForCompletionAsync();

        Assert.Equal("15", Assert.Single(api.WaitValues));
    }
}
