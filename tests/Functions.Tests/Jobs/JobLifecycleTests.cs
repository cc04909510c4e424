using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobLifecycleTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheSameJob()
    {
        await using var app = await StartAsync();
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "order-" + Guid.NewGuid() };

        var first = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", headers: key);
        var again = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", headers: key);

        Assert.Equal(202, first.Status);
        Assert.Equal(202, again.Status);
        Assert.Equal(first.Json.GetProperty("id").GetString(), again.Json.GetProperty("id").GetString());
        Assert.Equal(first.Header("Location"), again.Header("Location"));
        Assert.Equal(1, (await app.RawJobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var id = first.Json.GetProperty("id").GetString()!;
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        var afterDone = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", headers: key);
        Assert.Equal(200, afterDone.Status);
        Assert.Equal(168, afterDone.Json.GetProperty("result").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Submit_IdempotencyKeyWithAnotherBody_Answers422AndStoresNothing()
    {
        await using var app = await StartAsync();
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", headers: key);
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);

        var other = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1001}}""", headers: key);

        BadInputTests.AssertProblem(other, 422, "Idempotency-Key");
        await census.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    public async Task Submit_MalformedIdempotencyKey_Answers400(string key)
    {
        await using var app = await StartAsync();

        var answer = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""", headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });

        BadInputTests.AssertProblem(answer, 400, "Idempotency-Key");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Submit_QueueAtItsLimit_Answers503WithRetryAfterAndStoresNothing(bool withIdempotencyKey)
    {
        // The depth is read once a second, and an older reading is used while a new one comes: the clock steps past the
        // oldest one used between the submits, so each submit waits for a new reading.
        // Started in the past: the clock runs ahead as the test goes, and the listing's newest jobs must stay the other tests'.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Jobs:MaxQueueDepth"] = "2" },
            services => services.AddSingleton<TimeProvider>(clock));
        await app.ClearQueuesAsync();
        Assert.Equal(202, (await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""")).Status);
        Assert.Equal(202, (await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""")).Status);
        clock.Advance(CachedRead<int>.Staleness);
        var census = await StorageCensus.TakeAsync(azurite.ConnectionString);

        var refused = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""", headers: withIdempotencyKey ? NewKey() : null);

        Assert.Equal(503, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.NotNull(refused.Header("Retry-After"));
        await census.AssertUnchangedAsync();

        await app.PumpUntilAsync(async () => (await app.RawJobsQueue.PeekMessageAsync()).Value is null, Deadline);
        clock.Advance(CachedRead<int>.Staleness);
        Assert.Equal(202, (await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""")).Status);
    }

    [Fact]
    public async Task List_NewestFirst_FilteredAndPaged()
    {
        await using var app = await StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}"""));
        await app.DeleteAsync(Routes.JobPath(ids[1]));

        var first = await app.GetAsync(Routes.JobsPath + "?top=3");
        var next = await app.GetAsync(first.Json.GetProperty("nextUrl").GetString()!);
        var canceled = await app.GetAsync(Routes.JobsPath + "?status=canceled&top=100");

        Assert.Equal(200, first.Status);
        var listed = first.Json.GetProperty("jobs").EnumerateArray().Concat(next.Json.GetProperty("jobs").EnumerateArray())
            .Select(j => j.GetProperty("id").GetString()!).ToList();
        Assert.Equal(Enumerable.Reverse(ids).ToList(), listed.Take(5).ToList());
        Assert.Contains(ids[1], canceled.Json.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.All(canceled.Json.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("canceled", j.GetProperty("status").GetString()));
    }

    [Theory]
    [InlineData("?status=done", "status")]
    [InlineData("?top=0", "top")]
    [InlineData("?top=101", "top")]
    [InlineData("?top=x", "top")]
    [InlineData("?continuationToken=abc", "continuationToken")]
    public async Task List_BadQuery_Answers400(string query, string field)
    {
        await using var app = await StartAsync();

        BadInputTests.AssertProblem(await app.GetAsync(Routes.JobsPath + query), 400, field);
    }

    [Fact]
    public async Task Retention_PurgesFinishedJobsOnly()
    {
        await using var app = await StartAsync(new Dictionary<string, string?> { ["Jobs:RetentionHours"] = "0" });
        var finished = await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");
        await app.PumpUntilAsync(async () => await app.StatusAsync(finished) == JobStatus.Succeeded, Deadline);
        var queued = await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");

        await app.Services.GetRequiredService<JobRetention>().PurgeAsync(CancellationToken.None);

        BadInputTests.AssertProblem(await app.GetAsync(Routes.JobPath(finished)), 404, "id");
        Assert.Equal(202, (await app.GetAsync(Routes.JobPath(queued))).Status);
        var listed = (await app.GetAsync(Routes.JobsPath + "?top=100")).Json.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString());
        Assert.DoesNotContain(finished, listed);
    }

    [Fact]
    public async Task Retention_KeepsJobsWithinTheRetention()
    {
        await using var app = await StartAsync(new Dictionary<string, string?> { ["Jobs:RetentionHours"] = "1" });
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        await app.Services.GetRequiredService<JobRetention>().PurgeAsync(CancellationToken.None);

        Assert.Equal(200, (await app.GetAsync(Routes.JobPath(id))).Status);
    }

    /// <summary>An Idempotency-Key header no other submit has used.</summary>
    internal static Dictionary<string, string> NewKey() => new() { ["Idempotency-Key"] = "refused-" + Guid.NewGuid() };

    private async Task<FunctionApp> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = new FunctionApp(azurite.ConnectionString, settings);
        await app.ClearQueuesAsync();
        return app;
    }
}
