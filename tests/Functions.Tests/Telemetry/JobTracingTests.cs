using System.Diagnostics;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Functions.Tests.Telemetry;

/// <summary>
/// One trace from the submit to the result: the trace context crosses every queue hop in the message body, so the
/// spans of a job fanned out over two instances all join the trace the caller started.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobTracingTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Submit_WithOnlyTheCallersTraceparentHeader_JoinsTheCallersTrace()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(JobTracing.SourceName).AddInMemoryExporter(spans).Build();
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Jobs:MaxQueuedCoreSeconds"] = "2000000000" });
        await app.ClearQueuesAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var traceparent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

        // No span around the call, as in the worker: the header alone carries the caller's context.
        var answer = await app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", headers: new Dictionary<string, string> { ["traceparent"] = traceparent });
        var id = answer.Json.GetProperty("id").GetString()!;
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        tracing.ForceFlush();

        var request = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.TraceId == traceId);
        Assert.Equal("POST", request.DisplayName);
        Assert.Equal(traceId.ToHexString(), (await app.Store.GetAsync(id, CancellationToken.None))!.Job.TraceId);
        Assert.Contains(spans, s => s.DisplayName == "jobs compute" && Equals(s.GetTagItem("job.id"), id) && s.TraceId == traceId);
    }

    [Fact]
    public async Task FannedOutJob_OnTwoInstances_IsOneTraceFromTheCallersContext()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(JobTracing.SourceName).AddInMemoryExporter(spans).Build();
        // A one-second invocation budget splits 4·10^10 (a few core-seconds) into ranges.
        // Other tests' unfinished jobs share this Azurite's work ledger: no cap on the work queued here.
        var settings = new Dictionary<string, string?> { ["Compute:InvocationBudgetSeconds"] = "1", ["Jobs:MaxQueuedCoreSeconds"] = "2000000000" };
        await using var first = new FunctionApp(azurite.ConnectionString, settings);
        await using var second = new FunctionApp(azurite.ConnectionString, settings);
        await first.ClearQueuesAsync();

        var traceId = ActivityTraceId.CreateRandom();
        string id;
        using (new Activity("caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            var answer = await first.PostJobAsync("""{"kind":"primes","input":{"limit":40000000000}}""");
            Assert.Equal(202, answer.Status);
            Assert.True(answer.Json.GetProperty("estimate").GetProperty("ranges").GetInt32() > 1);
            id = answer.Json.GetProperty("id").GetString()!;
        }

        // The two instances take turns at the queue, as two hosts would.
        var turn = 0;
        await FunctionApp.WaitUntilAsync(async () =>
        {
            await (turn++ % 2 == 0 ? first : second).PumpOnceAsync();
            return await first.StatusAsync(id) == JobStatus.Succeeded;
        }, Deadline);
        tracing.ForceFlush();

        var job = spans.Where(s => Equals(s.GetTagItem("job.id"), id)).ToList();
        Assert.All(job, span => Assert.Equal(traceId, span.TraceId));
        var names = job.Select(s => s.DisplayName).ToHashSet();
        Assert.Superset(new HashSet<string> { "jobs submit", "jobs store", "jobs send", "jobs process", "jobs process range", "jobs compute", "jobs merge", "jobs finish" }, names);
        // Every range's computation is in the trace (the start message computes the first range itself).
        var computed = job.Where(s => s.DisplayName == "jobs compute").Select(s => s.GetTagItem("job.range")).Distinct().Count();
        Assert.Equal((await first.Store.GetAsync(id, CancellationToken.None))!.Job.RangeCount, computed);
        Assert.All(job.Where(s => s.Kind == ActivityKind.Consumer), span => Assert.IsType<double>(span.GetTagItem("job.queue_time_ms")));
        Assert.Equal(traceId.ToHexString(), (await first.Store.GetAsync(id, CancellationToken.None))!.Job.TraceId);
    }
}
