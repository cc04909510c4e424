using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Functions.Tests.Fixtures;

namespace Functions.EndToEndTests;

/// <summary>The HTTP API as callers see it, served by <c>func start</c> with the real queue trigger behind it.</summary>
[Collection(FunctionsHostCollection.Name)]
[Trait("Category", TestCategories.EndToEnd)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobApiEndToEndTests(FunctionsHostFixture host)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    // Long enough (about 1,500 chunks of 0.2 s) to be queued or running when the test acts on it; the test ends it.
    private const string LongJob = """{"kind":"primes","input":{"limit":100000000000}}""";

    private HttpClient Http => host.Http;

    [SkippableFact]
    public async Task Hello_WithName_GreetsByName()
    {
        SkipWithoutHost();

        using var answer = await Http.GetAsync("/api/hello?name=Ada");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Hello, Ada!", await answer.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Health_StorageUp_AnswersHealthyWithTheDepthsTheQueuesHold()
    {
        SkipWithoutHost();
        await host.WaitUntilQueuesEmptyAsync(Deadline);
        // Invisible for longer than the test, so the host cannot take them: only the depths count them.
        var placed = new List<(QueueClient Queue, SendReceipt Receipt)>();
        foreach (var (name, count) in new[] { ("jobs", 3), ("jobs-poison", 2) })
        {
            var queue = host.Queues.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            for (var i = 0; i < count; i++)
                placed.Add((queue, (await queue.SendMessageAsync($$"""{"jobId":"{{new string('e', 32)}}"}""", visibilityTimeout: Deadline)).Value));
        }

        try
        {
            using var answer = await Http.GetAsync("/api/health");

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var health = await JsonAsync(answer);
            Assert.Equal("healthy", health.GetProperty("status").GetString());
            Assert.Equal(3, health.GetProperty("depths").GetProperty("jobs").GetInt32());
            Assert.Equal(2, health.GetProperty("depths").GetProperty("poison").GetInt32());
        }
        finally
        {
            foreach (var (queue, receipt) in placed) await queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt);
        }
    }

    [SkippableFact]
    public async Task Submit_ThenPoll_SucceedsWithThePrimeCount()
    {
        SkipWithoutHost();

        using var submit = await SubmitAsync("""{"kind":"primes","input":{"limit":1000000}}""");

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var location = submit.Headers.Location!.ToString();
        Assert.NotNull(submit.Headers.RetryAfter);
        var job = await PollUntilFinishedAsync(location);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(78498, job.GetProperty("result").GetProperty("count").GetInt64());
        Assert.Equal(1, job.GetProperty("progress").GetDouble());

        using var result = await Http.GetAsync($"{location}/result");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(78498, (await JsonAsync(result)).GetProperty("count").GetInt64());
    }

    [SkippableFact]
    public async Task Submit_WithWait_AnswersTheResultInOneRequest()
    {
        SkipWithoutHost();

        using var answer = await SubmitAsync("""{"kind":"primes","input":{"limit":100000}}""", "?wait=60");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var job = await JsonAsync(answer);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(9592, job.GetProperty("result").GetProperty("count").GetInt64());
    }

    [SkippableFact]
    public async Task Get_WithWait_HoldsUntilTheJobFinishes()
    {
        SkipWithoutHost();
        using var submit = await SubmitAsync("""{"kind":"primes","input":{"limit":10000000}}""");
        var location = submit.Headers.Location!.ToString();

        using var answer = await Http.GetAsync($"{location}?wait=60");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(664579, (await JsonAsync(answer)).GetProperty("result").GetProperty("count").GetInt64());
    }

    [SkippableFact]
    public async Task Cancel_LongJob_StaysCanceledOnceTheHostHasProcessedItsMessages()
    {
        SkipWithoutHost();
        using var submit = await SubmitAsync(LongJob);
        var location = submit.Headers.Location!.ToString();

        using var cancel = await Http.DeleteAsync(location);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("canceled", (await JsonAsync(cancel)).GetProperty("status").GetString());
        // The job's start message (and any range messages it had fanned out) must have been through the host.
        await host.WaitUntilQueuesEmptyAsync(Deadline);
        using var after = await Http.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("canceled", (await JsonAsync(after)).GetProperty("status").GetString());
        using var result = await Http.GetAsync($"{location}/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
    }

    [SkippableFact]
    public async Task Submit_BadInput_AnswersProblemJsonNamingTheField()
    {
        SkipWithoutHost();

        using var answer = await SubmitAsync("""{"kind":"primes","input":{"limit":-1}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(answer);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("input.limit", problem.GetProperty("field").GetString());
    }

    [SkippableFact]
    public async Task Get_UnknownJob_Answers404Problem()
    {
        SkipWithoutHost();

        using var answer = await Http.GetAsync($"/api/jobs/{new string('f', 32)}");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task FailingEveryAttempt_TheHostPoisonsTheMessageAndTheJobFailsAsRetriesExhausted()
    {
        SkipWithoutHost();
        // The test kind fails every attempt: the host retries it maxDequeueCount times, then moves it to jobs-poison.
        using var submit = await SubmitAsync("""{"kind":"failing","input":{"chunks":1}}""");
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await JsonAsync(submit)).GetProperty("id").GetString()!;

        var failed = await PollUntilFinishedAsync(submit.Headers.Location!.ToString());
        await host.WaitUntilQueuesEmptyAsync(Deadline);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("retries-exhausted", failed.GetProperty("error").GetProperty("code").GetString());
        // The app logs each failed attempt with the job's id (JobLog.AttemptFailed).
        var attempts = host.Output.Count(line => line.Contains($"Job {id} range 0 failed on this attempt", StringComparison.Ordinal));
        Assert.True(attempts == HostJson.MaxDequeueCount, $"{attempts} failed attempts of {id} in the host's output:\n{host.RecentOutput}");
    }

    private void SkipWithoutHost() => Skip.If(host.SkipReason is not null, host.SkipReason);

    private Task<HttpResponseMessage> SubmitAsync(string body, string query = "") =>
        Http.PostAsync("/api/jobs" + query, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Polls as a caller would, at the answer's Retry-After, until the job is finished.</summary>
    private async Task<JsonElement> PollUntilFinishedAsync(string location)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            using var answer = await Http.GetAsync(location, deadline.Token);
            if (answer.StatusCode == HttpStatusCode.OK) return await JsonAsync(answer);
            Assert.True(answer.StatusCode == HttpStatusCode.Accepted, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}\n{host.RecentOutput}");
            await Task.Delay(answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), deadline.Token);
        }
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage answer) =>
        await answer.Content.ReadFromJsonAsync<JsonElement>();
}
