using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Functions.Tests.Fixtures;

namespace Functions.Bench.App;

/// <summary>
/// The front door under bursts: 1000, then 300, then 3000 keyed submits at once through the app on a fresh Azurite
/// (its real composition, its HTTP functions called in process; nothing computes meanwhile), each refused submit sent
/// again with its key after its Retry-After, beside the floor Azurite sets: the same storage writes a submit makes
/// (key claim, job row with the grouped listing, work and send entries, message, send mark removed), issued
/// directly with the SDK at the same concurrency. Reports accepted submits per second as a ratio to that floor, and
/// the CPU time per accepted job of this process and of Azurite.
/// </summary>
public static class SubmitBurstBenchmark
{
    private const string Body = """{"kind":"primes","input":{"limit":1000000}}""";
    private static readonly int[] Bursts = [1000, 300, 3000];

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        await using var azurite = await Azurite.StartAsync();
        var concurrency = new SubmitOptions().MaxConcurrentSubmits;
        var floor = await RawFloorAsync(azurite, 1000, concurrency);
        yield return new Figure("raw storage floor", $"{Machine.Number(floor, "0")} submits/s ({concurrency} at once, 1000 submits' writes)", "reference");

        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.ClearQueuesAsync();
        foreach (var size in Bursts)
        {
            var burst = await BurstAsync(app, azurite, size);
            yield return new Figure(
                $"{size} submits at once",
                $"{burst.FirstTry} accepted at the first try, {burst.Refused} refused cleanly and resent, {burst.Ambiguous} ambiguous; " +
                $"first answers p99 {Machine.Number(burst.FirstAnswerP99.TotalSeconds)} s; all accepted in {Machine.Number(burst.Elapsed.TotalSeconds)} s; " +
                $"CPU per job: app {Machine.Number(burst.AppCpuPerJob.TotalMilliseconds)} ms, Azurite {Machine.Number(burst.AzuriteCpuPerJob.TotalMilliseconds)} ms",
                $"{Machine.Number(size / burst.Elapsed.TotalSeconds / floor)}× the floor");
        }
    }

    private static async Task<Burst> BurstAsync(FunctionApp app, Azurite azurite, int size)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstTry = 0, refused = 0, ambiguous = 0;
        var firstAnswers = new double[size];
        var appCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpu = azurite.ProcessorTime();
        var clock = Stopwatch.StartNew();
        var all = Enumerable.Range(0, size).Select(async i =>
        {
            await start.Task;
            var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString("N") };
            for (var attempt = 0; ; attempt++)
            {
                var answer = await app.PostJobAsync(Body, headers: key);
                if (attempt == 0) firstAnswers[i] = clock.Elapsed.TotalSeconds;
                if (answer.Status == 202)
                {
                    if (attempt == 0) Interlocked.Increment(ref firstTry);
                    return;
                }

                if (answer.Status != 503) throw new InvalidOperationException($"Submit answered {answer.Status}: {answer.Text}");
                if (answer.Text.Contains("\"jobId\"", StringComparison.Ordinal)) Interlocked.Increment(ref ambiguous);
                else if (attempt == 0) Interlocked.Increment(ref refused);
                await Task.Delay(TimeSpan.FromSeconds(int.TryParse(answer.Header("Retry-After"), out var seconds) ? seconds : 1));
            }
        }).ToList();
        start.SetResult();
        await Task.WhenAll(all);
        var elapsed = clock.Elapsed;
        Array.Sort(firstAnswers);
        return new Burst(
            firstTry, refused, ambiguous, TimeSpan.FromSeconds(firstAnswers[(int)Math.Ceiling(size * 0.99) - 1]), elapsed,
            (Process.GetCurrentProcess().TotalProcessorTime - appCpu) / size, (azurite.ProcessorTime() - azuriteCpu) / size);
    }

    /// <summary>Submits per second when only the storage writes of a submit are made, <paramref name="concurrency"/> at a time.</summary>
    private static async Task<double> RawFloorAsync(Azurite azurite, int submits, int concurrency)
    {
        var tables = new TableServiceClient(azurite.ConnectionString).GetTableClient("rawburst");
        var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient("rawburst");
        await tables.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        await RawSubmitAsync(tables, queue);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, submits), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (_, _) => await RawSubmitAsync(tables, queue));
        return submits / clock.Elapsed.TotalSeconds;
    }

    private static async Task RawSubmitAsync(TableClient table, QueueClient queue)
    {
        var id = JobIds.New();
        await table.AddEntityAsync(new TableEntity("idempotency", Guid.NewGuid().ToString("N")) { ["JobId"] = id, ["Fingerprint"] = id });
        var listed = table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("index", $"0-{id}") { ["JobId"] = id, ["Kind"] = "primes" }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("index", $"work-{id}") { ["CoreSeconds"] = 0.01 }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("index", $"send-{id}") { ["CreatedAt"] = DateTimeOffset.UtcNow }),
        ]);
        var stored = table.AddEntityAsync(new TableEntity(id, "job") { ["Status"] = "Queued", ["Kind"] = "primes", ["Input"] = """{"limit":1000000}""" });
        await Task.WhenAll(listed, stored);
        await queue.SendMessageAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($$"""{"jobId":"{{id}}"}""")));
        await table.DeleteEntityAsync("index", $"send-{id}");
    }

    private sealed record Burst(int FirstTry, int Refused, int Ambiguous, TimeSpan FirstAnswerP99, TimeSpan Elapsed, TimeSpan AppCpuPerJob, TimeSpan AzuriteCpuPerJob);
}
