using System.Collections.Concurrent;
using System.Globalization;
using Azure.Core.Pipeline;
using Azure.Core;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Functions.Tests.Jobs;

/// <summary>How many storage round trips a job costs the app, counted on the wire of the app's own clients.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class RoundTripTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Body = """{"kind":"primes","input":{"limit":1000}}""";

    /// <summary>
    /// A job alone: the queue's depth and the work queued (read afresh here), the row, its listing, work and send
    /// entries in one transaction, the message, the send mark removed; the computing side's read, final write and
    /// listing transaction; the waiter's read.
    /// </summary>
    [Fact]
    public async Task SmallJob_SubmittedAndAwaitedAlone_TakesAtMostTenRoundTrips()
    {
        var (app, requests, clock) = await WarmAppAsync();
        await using var _ = app;
        clock.Advance(CachedRead<int>.Staleness);
        requests.Clear();

        var id = await app.SubmitAsync(Body);
        var awaited = app.GetAsync(Routes.JobPath(id) + "?wait=60");
        await app.PumpUntilAsync(() => Task.FromResult(awaited.IsCompleted), TimeSpan.FromSeconds(60));

        Assert.Equal(200, (await awaited).Status);
        output.WriteLine(string.Join('\n', requests.All));
        Assert.InRange(requests.All.Count, 1, 10);
    }

    /// <summary>
    /// Jobs submitted together share their reads of the depth and work queued, and their listing, work and send
    /// entries go to storage in shared transactions (group commit): fewer round trips per job than alone, also with
    /// the index spread over 4 partitions (each with its own transactions; on an Azurite of its own, as a table keeps
    /// the count it was first used with).
    /// </summary>
    [Theory]
    [InlineData(1, 8)]
    [InlineData(4, 9)]
    public async Task SmallJobs_SubmittedTogether_TakeFewerRoundTripsEachThanAlone(int indexShards, int most)
    {
        const int Jobs = 50;
        await using var own = indexShards == 1 ? null : await Azurite.StartAsync();
        var (app, requests, _) = await WarmAppAsync(own?.ConnectionString ?? azurite.ConnectionString, indexShards);
        await using var __ = app;
        Assert.Equal(indexShards, (await app.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None)).Partitions.Count);
        requests.Clear();

        var ids = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(_ => app.SubmitAsync(Body)));
        var awaited = Task.WhenAll(ids.Select(id => app.GetAsync(Routes.JobPath(id) + "?wait=60")));
        await app.PumpUntilAsync(() => Task.FromResult(awaited.IsCompleted), TimeSpan.FromSeconds(60));

        Assert.All(await awaited, answer => Assert.Equal(200, answer.Status));

        output.WriteLine($"{requests.All.Count} requests for {Jobs} jobs:\n" + string.Join('\n', requests.All.GroupBy(r => r).Select(g => $"{g.Count(),5} {g.Key}")));
        Assert.InRange(requests.All.Count / (double)Jobs, 1, most);
    }

    private Task<(FunctionApp App, RequestLog Requests, FakeTimeProvider Clock)> WarmAppAsync() => WarmAppAsync(azurite.ConnectionString, 1);

    private static async Task<(FunctionApp App, RequestLog Requests, FakeTimeProvider Clock)> WarmAppAsync(string connectionString, int indexShards)
    {
        var requests = new RequestLog();
        // Started in the past: the clock runs ahead as the test goes, and the listing's newest jobs must stay the other tests'.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:IndexShards"] = indexShards.ToString(CultureInfo.InvariantCulture),
            ["Jobs:GroupSmallStarts"] = "true",
        };
        var app = new FunctionApp(connectionString, settings, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(requests, HttpPipelinePosition.PerRetry)));
        });
        await app.ClearQueuesAsync();
        // Warm up: the queues, table and container exist, as on an instance that has served before.
        var first = await app.SubmitAsync(Body);
        await app.PumpUntilAsync(async () => await app.StatusAsync(first) == JobStatus.Succeeded, TimeSpan.FromSeconds(60));
        return (app, requests, clock);
    }

    /// <summary>Every request the app's storage clients send, retries included, as "METHOD /path".</summary>
    private sealed class RequestLog : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<string> _requests = new();

        public IReadOnlyList<string> All => [.. _requests];

        public void Clear() => _requests.Clear();

        public override void OnSendingRequest(HttpMessage message) =>
            _requests.Enqueue($"{message.Request.Method} {message.Request.Uri.Path}");
    }
}
