using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Functions.Jobs;
using Functions.Tests.Fixtures;

namespace Functions.Bench.App;

/// <summary>
/// The front door under a burst: 500 submits at once through the app on a fresh Azurite (its real composition, its
/// HTTP functions called in process; nothing computes meanwhile), beside the same burst of the storage writes a submit
/// needs (the listing and work entries in one transaction and the job row at once, then the message), issued directly
/// with the SDK. The raw burst is the floor Azurite sets on this machine.
/// </summary>
public static class SubmitBurstBenchmark
{
    private const int Burst = 500;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        Latencies? viaApp = null, raw = null;
        for (var run = 0; run < options.Repeat; run++)
        {
            await using (var azurite = await Azurite.StartAsync())
            {
                await using var app = new FunctionApp(azurite.ConnectionString);
                await app.ClearQueuesAsync();
                await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}"""); // warm-up: clients, table, JIT
                var app1 = await BurstAsync(async () =>
                {
                    var answer = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000000}}""");
                    if (answer.Status != 202) throw new InvalidOperationException($"Submit answered {answer.Status}.");
                });
                viaApp = viaApp is null || app1.P99 < viaApp.P99 ? app1 : viaApp;
            }

            await using (var azurite = await Azurite.StartAsync())
            {
                var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("rawburst");
                var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient("rawburst");
                await table.CreateIfNotExistsAsync();
                await queue.CreateIfNotExistsAsync();
                await RawSubmitAsync(table, queue);
                var raw1 = await BurstAsync(() => RawSubmitAsync(table, queue));
                raw = raw is null || raw1.P99 < raw.P99 ? raw1 : raw;
            }
        }

        yield return new Figure(
            $"{Burst} submits at once",
            $"via the app p50 {Machine.Number(viaApp!.P50, "0")} ms, p99 {Machine.Number(viaApp.P99, "0")} ms; raw storage writes p50 {Machine.Number(raw!.P50, "0")} ms, p99 {Machine.Number(raw.P99, "0")} ms",
            $"p99 {Machine.Number(viaApp.P99 / raw.P99)}× the storage floor (Azurite)");
    }

    private static async Task RawSubmitAsync(TableClient table, QueueClient queue)
    {
        var id = JobIds.New();
        var listed = table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("index", $"job-{id}") { ["JobId"] = id, ["Kind"] = "primes" }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("index", $"work-{id}") { ["CoreSeconds"] = 0.01 }),
        ]);
        var stored = table.AddEntityAsync(new TableEntity(id, "job") { ["Status"] = "Queued", ["Kind"] = "primes", ["Input"] = """{"limit":1000000}""" });
        await Task.WhenAll(listed, stored);
        await queue.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($$"""{"jobId":"{{id}}"}""")));
    }

    private static async Task<Latencies> BurstAsync(Func<Task> submit)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = Enumerable.Range(0, Burst).Select(async _ =>
        {
            await start.Task;
            var clock = Stopwatch.StartNew();
            await submit();
            return clock.Elapsed.TotalMilliseconds;
        }).ToList();
        start.SetResult();
        var sorted = (await Task.WhenAll(all)).Order().ToArray();
        return new Latencies(sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1]);
    }

    private sealed record Latencies(double P50, double P99);
}
