using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

/// <summary>
/// More submits than storage takes at once: they wait in line, are refused cleanly (nothing written) when their turn
/// would come too late, and never hold up the work already accepted.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class OverloadTests(AzuriteFixture azurite)
{
    private const string Body = """{"kind":"primes","input":{"limit":1000}}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Submit_TurnWouldComePastItsBudget_Answers503TooBusyWithRetryAfterAndWritesNothing()
    {
        var calls = new StoreCalls();
        await using var app = App(permits: 1, deadlineSeconds: 2, calls.Register);
        await app.SubmitAsync(Body);
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);
        var storeCalls = calls.Of(nameof(IJobStore.TryCreateAsync));

        using (await app.Services.GetRequiredService<SubmitLimiter>().EnterAsync(Patience, CancellationToken.None))
        {
            var refused = await app.PostJobAsync(Body, headers: new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() });

            Assert.Equal(503, refused.Status);
            Assert.Equal(Problems.ContentType, refused.ContentType);
            Assert.Equal("Too busy", refused.Json.GetProperty("title").GetString());
            Assert.Contains("nothing was kept", refused.Json.GetProperty("detail").GetString());
            Assert.False(refused.Json.TryGetProperty("jobId", out _));
            Assert.True(int.Parse(refused.Header("Retry-After")!) >= 1);
        }

        await census.AssertUnchangedAsync();
        Assert.Equal(storeCalls, calls.Of(nameof(IJobStore.TryCreateAsync)));
        Assert.Equal(202, (await app.PostJobAsync(Body)).Status);
    }

    [Fact]
    public async Task AcceptedJob_SubmitsWaitingInLine_ComputesFinishesAndAnswersWithoutWaitingForThem()
    {
        await using var app = App(permits: 1, deadlineSeconds: 60);
        await app.ClearQueuesAsync();
        var id = await app.SubmitAsync(Body);
        var limiter = app.Services.GetRequiredService<SubmitLimiter>();
        List<Task<HttpAnswer>> flood;

        using (await limiter.EnterAsync(Patience, CancellationToken.None))
        {
            flood = Enumerable.Range(0, 50).Select(_ => app.PostJobAsync(Body)).ToList();
            await FunctionApp.WaitUntilAsync(() => Task.FromResult(limiter.Waiting == 50), Patience);

            await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Patience);
            var answer = await app.GetAsync(Routes.JobPath(id));

            Assert.Equal(200, answer.Status);
            Assert.Equal(50, limiter.Waiting);
            Assert.All(flood, submit => Assert.False(submit.IsCompleted));
        }

        // Let through, they are accepted, or refused cleanly where the pump took their budget: never left in doubt.
        Assert.All(await Task.WhenAll(flood), submit => Assert.True(
            submit.Status == 202 || (submit.Status == 503 && submit.Json.GetProperty("title").GetString() == "Too busy"), $"{submit.Status} {submit.Text}"));
        await app.ClearQueuesAsync();
    }

    [Fact]
    public async Task Burst_ManyMoreSubmitsThanTurns_EachIsAcceptedOrRefusedCleanlyNeverLeftInDoubt()
    {
        await using var app = App(permits: 4, deadlineSeconds: 10);
        await app.SubmitAsync(Body);
        await app.ClearQueuesAsync();
        var before = await StorageCensus.TakeAsync(azurite.ConnectionString);

        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => app.PostJobAsync(Body)));

        Assert.All(answers, answer => Assert.True(
            answer.Status == 202 || (answer.Status == 503 && answer.Json.GetProperty("title").GetString() == "Too busy"),
            $"{answer.Status} {answer.Text}"));
        var accepted = answers.Count(a => a.Status == 202);
        var after = await StorageCensus.TakeAsync(azurite.ConnectionString);
        // A job is its row, listing and work entries, and its start message (alone or in a group): a refused one left none of them.
        Assert.Equal(before.Rows.Count + 3 * accepted, after.Rows.Count);
        Assert.Equal(
            answers.Where(a => a.Status == 202).Select(a => a.Json.GetProperty("id").GetString()!).Order(),
            (await app.TakeJobMessagesAsync()).SelectMany(message => message.Each).Select(start => start.JobId).Order());
        Assert.Empty(after.Blobs.Except(before.Blobs));
        await app.ClearQueuesAsync();
    }

    private FunctionApp App(int permits, int deadlineSeconds, Action<IServiceCollection>? services = null) => new(
        azurite.ConnectionString,
        new Dictionary<string, string?>
        {
            ["Jobs:MaxConcurrentSubmits"] = $"{permits}",
            ["Storage:RequestDeadlineSeconds"] = $"{deadlineSeconds}",
            ["Jobs:GroupSmallStarts"] = "true",
        },
        services);
}
