using System.Diagnostics;
using System.Text.RegularExpressions;
using Functions.Health;
using Functions.Http;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Health;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class HealthFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.ClearQueuesAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Health_StorageReachable_Answers200WithTheQueueDepths()
    {
        for (var i = 0; i < 3; i++) await _app.RawJobsQueue.SendMessageAsync("waiting");
        await _app.RawPoisonQueue.SendMessageAsync("given up");

        var answer = await _app.GetAsync(Routes.HealthPath);

        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal("no-store", answer.Header("Cache-Control"));
        Assert.Equal("healthy", answer.Json.GetProperty("status").GetString());
        Assert.True(answer.Json.GetProperty("queue").GetProperty("reachable").GetBoolean());
        Assert.True(answer.Json.GetProperty("table").GetProperty("reachable").GetBoolean());
        Assert.Equal(3, answer.Json.GetProperty("depths").GetProperty("jobs").GetInt32());
        Assert.Equal(1, answer.Json.GetProperty("depths").GetProperty("poison").GetInt32());
    }

    [Fact]
    public async Task Health_EmptyQueues_CountsZero()
    {
        var answer = await _app.GetAsync(Routes.HealthPath);

        Assert.Equal(200, answer.Status);
        Assert.Equal(0, answer.Json.GetProperty("depths").GetProperty("jobs").GetInt32());
        Assert.Equal(0, answer.Json.GetProperty("depths").GetProperty("poison").GetInt32());
    }

    [Fact]
    public async Task Health_StorageUnreachable_Answers503ProblemBeforeTheSdkRetriesEnd()
    {
        // Nothing listens on the discard port: every request is refused, and the SDK would retry it.
        var dead = Regex.Replace(azurite.ConnectionString, @"(Blob|Queue|Table)Endpoint=http://[^/;]+", "$1Endpoint=http://127.0.0.1:9");
        await using var app = new FunctionApp(dead, new Dictionary<string, string?> { ["Health:DeadlineSeconds"] = "3" });
        var clock = Stopwatch.StartNew();

        var answer = await app.GetAsync(Routes.HealthPath);

        clock.Stop();
        Assert.Equal(503, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(503, answer.Json.GetProperty("status").GetInt32());
        Assert.Equal("Storage unreachable", answer.Json.GetProperty("title").GetString());
        Assert.False(answer.Json.GetProperty("queue").GetProperty("reachable").GetBoolean());
        Assert.False(answer.Json.GetProperty("table").GetProperty("reachable").GetBoolean());
        Assert.Contains("The queue:", answer.Json.GetProperty("detail").GetString());
        Assert.Contains("The table:", answer.Json.GetProperty("detail").GetString());
        // Not a speed goal: the guard against waiting out the SDK's retries (4 attempts of up to 30 s each).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3 + 10), $"took {clock.Elapsed}");
    }
}
