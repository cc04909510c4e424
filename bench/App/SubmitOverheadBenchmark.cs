using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Functions.Jobs;
using Functions.Tests.Fixtures;

namespace Functions.Bench.App;

/// <summary>
/// Submit-to-result time of a trivial job through the app on Azurite (submit, the queue listener computes it, status
/// read) against the raw time of the storage operations such a job needs, issued directly with the SDK.
/// </summary>
public static class SubmitOverheadBenchmark
{
    private const int Jobs = 40;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        await using var azurite = await Azurite.StartAsync();
        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.ClearQueuesAsync();
        await RoundTripAsync(app); // warm-up: clients, tables, JIT
        await RawOperationsAsync(azurite.ConnectionString);

        double viaApp = double.MaxValue, raw = double.MaxValue;
        for (var run = 0; run < options.Repeat; run++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Jobs; i++) await RoundTripAsync(app);
            viaApp = Math.Min(viaApp, clock.Elapsed.TotalMilliseconds / Jobs);

            clock.Restart();
            for (var i = 0; i < Jobs; i++) await RawOperationsAsync(azurite.ConnectionString);
            raw = Math.Min(raw, clock.Elapsed.TotalMilliseconds / Jobs);
        }

        yield return new Figure(
            "submit-to-result, trivial job",
            $"{Machine.Number(viaApp, "0.0")} ms via the app vs {Machine.Number(raw, "0.0")} ms of raw storage ops",
            $"{Machine.Number(viaApp / raw)}× the storage it needs (Azurite)");
    }

    private static async Task RoundTripAsync(FunctionApp app)
    {
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");
        while (await app.StatusAsync(id) != JobStatus.Succeeded) await app.PumpOnceAsync();
        var answer = await app.GetAsync($"/api/jobs/{id}");
        if (answer.Status != 200) throw new InvalidOperationException($"Job {id} answered {answer.Status}.");
    }

    private static TableClient? _table;
    private static QueueClient? _queue;

    /// <summary>The storage a job's life needs at least: list and store it, check the queue depth, enqueue; receive;
    /// read, mark running, store the range, read, mark succeeded, delete the message; read the status.</summary>
    private static async Task RawOperationsAsync(string connectionString)
    {
        _table ??= new TableServiceClient(connectionString).GetTableClient("rawbench");
        _queue ??= new QueueServiceClient(connectionString).GetQueueClient("rawbench");
        await _table.CreateIfNotExistsAsync();
        await _queue.CreateIfNotExistsAsync();
        var id = JobIds.New();
        await _table.UpsertEntityAsync(new TableEntity("index", id) { ["JobId"] = id });
        await _table.AddEntityAsync(new TableEntity(id, "job") { ["Status"] = "Queued" });
        await _queue.GetPropertiesAsync();
        await _queue.SendMessageAsync(id);
        var message = (await _queue.ReceiveMessageAsync()).Value;
        var row = await ReadPartitionAsync(id);
        row = (await _table.UpdateEntityAsync(new TableEntity(id, "job") { ["Status"] = "Running" }, row.ETag)).Headers.ETag is { } etag ? new TableEntity(id, "job") { ETag = etag } : row;
        await _table.UpsertEntityAsync(new TableEntity(id, "range-00000") { ["Partial"] = new byte[16] });
        row = await ReadPartitionAsync(id);
        await _table.UpdateEntityAsync(new TableEntity(id, "job") { ["Status"] = "Succeeded" }, row.ETag);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        await ReadPartitionAsync(id);
    }

    private static async Task<TableEntity> ReadPartitionAsync(string id)
    {
        TableEntity? job = null;
        await foreach (var entity in _table!.QueryAsync<TableEntity>(e => e.PartitionKey == id)) if (entity.RowKey == "job") job = entity;
        return job!;
    }
}
