using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Primes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.Bench.App;

/// <summary>
/// <c>GET /api/hello</c> latency over real HTTP (Kestrel on loopback, the thread pool serving it, as in the worker)
/// while idle, while the compute executor keeps every core busy at each <see cref="ComputePriority"/>, and, for
/// contrast, while the same work runs on the thread pool instead — the design the executor avoids. Idle and the
/// executor runs are interleaved, best p99 of <c>--repeat</c> each.
/// </summary>
public static class HelloLatencyBenchmark
{
    private const int Requests = 2000;
    private const int Concurrency = 4;

    /// <summary>Each <c>Compute__Priority</c> value, the default first.</summary>
    private static readonly ComputePriority[] Priorities = [ComputePriority.Idle, ComputePriority.Low, ComputePriority.Normal];

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var hello = new HelloFunction(new ComputeKinds([], new KindCalibrations()), null!);
        app.MapGet("/api/hello", context => hello.Hello(context.Request).ExecuteAsync(context));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await MeasureAsync(client); // warm-up

        var plan = new PrimesKind().Plan(JsonSerializer.SerializeToElement(new { limit = 1_000_000_000_000 }));
        var idle = new Latency(double.MaxValue, double.MaxValue);
        var onExecutor = Priorities.ToDictionary(p => p, _ => new Latency(double.MaxValue, double.MaxValue));
        for (var run = 0; run < options.Repeat; run++)
        {
            idle = Latency.Best(idle, await MeasureAsync(client));
            foreach (var priority in Priorities)
            {
                // A fresh executor each time: a thread cannot raise its priority again once lowered.
                using var executor = new ComputeExecutor(Environment.ProcessorCount, priority, NullLogger.Instance);
                var latency = await UnderLoadAsync(client, stop => executor.ForEachAsync(0, plan.ChunkCount, i => plan.ComputeChunk(i, stop), null, stop));
                onExecutor[priority] = Latency.Best(onExecutor[priority], latency);
            }
        }
        var onThreadPool = await UnderLoadAsync(client, stop => Task.Run(() =>
            Parallel.For(0, plan.ChunkCount, new ParallelOptions { CancellationToken = stop }, i => plan.ComputeChunk(i, stop)), stop));

        yield return new Figure("hello idle", Describe(idle), "1.00× idle p99");
        foreach (var (priority, latency) in onExecutor)
        {
            var goal = priority == ComputePriority.Idle ? " (goal ≤ 1.2×)" : "";
            yield return new Figure($"hello, all cores computing, {priority.ToString().ToLowerInvariant()}", Describe(latency), $"{Machine.Number(latency.P99 / idle.P99)}× idle p99{goal}");
        }
        yield return new Figure("hello, same work on the thread pool", Describe(onThreadPool), $"{Machine.Number(onThreadPool.P99 / idle.P99)}× idle p99 (the design avoided)");
        await app.StopAsync();
    }

    private static async Task<Latency> UnderLoadAsync(HttpClient client, Func<CancellationToken, Task> work)
    {
        using var stop = new CancellationTokenSource();
        var load = work(stop.Token);
        var latency = await MeasureAsync(client);
        await stop.CancelAsync();
        try
        {
            await load;
        }
        catch (OperationCanceledException)
        {
        }

        return latency;
    }

    private static async Task<Latency> MeasureAsync(HttpClient client)
    {
        var samples = new double[Requests];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                var clock = Stopwatch.StartNew();
                using var response = await client.GetAsync("/api/hello");
                response.EnsureSuccessStatusCode();
                samples[i] = clock.Elapsed.TotalMilliseconds;
            }
        }));
        Array.Sort(samples);
        return new Latency(samples[Requests / 2], samples[Requests * 99 / 100]);
    }

    private static string Describe(Latency latency) => $"p50 {Machine.Number(latency.P50, "0.00")} ms, p99 {Machine.Number(latency.P99, "0.00")} ms ({Requests} requests, {Concurrency} at a time)";

    private sealed record Latency(double P50, double P99)
    {
        public static Latency Best(Latency a, Latency b) => a.P99 <= b.P99 ? a : b;
    }
}
