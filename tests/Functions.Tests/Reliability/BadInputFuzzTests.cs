using System.Collections.Concurrent;
using CsCheck;
using Functions.Http;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Xunit.Abstractions;

namespace Functions.Tests.Reliability;

/// <summary>Thousands of random, mostly malformed requests and queue messages: always a 4xx problem or a 2xx, never a 5xx or a crash.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class BadInputFuzzTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 10_000;
    private const int Messages = 2000;
    private const int PumpedMessages = 200;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly SequenceKind _sequence = new();
    private readonly JobTransitions _transitions = new();
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        // A valid ?wait= is capped at 0 s, so no generated request holds on; the thousands of jobs accepted may queue
        // any amount of work (admission by work is a 503 by design, tested on its own).
        _app = ReliabilityApp.Create(azurite.ConnectionString, _sequence, _transitions, ("Jobs:MaxWaitSeconds", "0"), ("Jobs:MaxQueuedCoreSeconds", "2000000000"));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Http_RandomRequests_AnswerProblemOrSuccessNeverAServerError()
    {
        var finished = await SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(finished) == JobStatus.Succeeded, Deadline);
        var queued = await SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");
        var byShape = new ConcurrentDictionary<string, int>();
        var byStatus = new ConcurrentDictionary<int, int>();
        var byExpected = new ConcurrentDictionary<Expected, int>();

        await BadInputs.Requests(queued, finished).SampleAsync(async request =>
        {
            var answer = await _app.SendBytesAsync(request.Method, request.PathAndQuery, request.Body, request.ContentType, request.Headers);

            byShape.AddOrUpdate(request.Shape, 1, (_, n) => n + 1);
            byStatus.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            byExpected.AddOrUpdate(request.Expected, 1, (_, n) => n + 1);
            Assert.InRange(answer.Status, 200, 499);
            if (answer.Status >= 400)
            {
                Assert.Equal("application/problem+json", answer.ContentType);
                Assert.Equal(answer.Status, answer.Json.GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(answer.Json.GetProperty("detail").GetString()));
            }

            if (request.Expected == Expected.Success) Assert.InRange(answer.Status, 200, 299);
            // Whatever is accepted has a price within the per-job cap.
            if (request.Method == "POST" && answer.Status is 200 or 202)
                Assert.InRange(answer.Json.GetProperty("estimate").GetProperty("coreSeconds").GetDouble(), 0, new SubmitOptions().MaxJobCoreSeconds);
            if (request.Expected == Expected.Problem) Assert.InRange(answer.Status, 400, 499);
        }, iter: Requests, threads: 4, print: r => r.ToString());

        // Still serving: a valid job goes through from submit to result.
        await _app.ClearQueuesAsync();
        var id = await SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        Assert.Equal(168, (await _app.GetAsync(Routes.JobResultPath(id))).Json.GetProperty("count").GetInt64());

        var tried = byShape.Values.Sum();
        output.WriteLine(
            $"{tried} random requests ({byExpected.GetValueOrDefault(Expected.Problem)} invalid by construction, {byExpected.GetValueOrDefault(Expected.Success)} valid, " +
            $"{byExpected.GetValueOrDefault(Expected.Either)} either): {string.Join(", ", byStatus.OrderBy(s => s.Key).Select(s => $"{s.Value}× {s.Key}"))}; no 5xx, no exception");
        foreach (var (shape, count) in byShape.OrderByDescending(s => s.Value)) output.WriteLine($"  {count,5}  {shape}");
    }

    [Fact]
    public async Task Queue_GarbageMessages_AreDroppedWithoutThrowingAndTheQueueDrains()
    {
        var jobId = await SubmitAsync(SequenceKind.Job(3));
        await _app.ClearQueuesAsync();
        var generated = new ConcurrentBag<string>();

        // Straight to the functions: an unreadable message is logged and dropped, never thrown on (a throw would be retried
        // and poisoned for nothing); the poison function takes whatever the host moved there.
        await BadInputs.QueueMessages(jobId).SampleAsync(async raw =>
        {
            generated.Add(raw);
            var text = TryDecode(raw) ?? raw;
            await _app.Compute.Compute(text, CancellationToken.None);
            await _app.Compute.FailPoisoned(text, CancellationToken.None);
        }, iter: Messages, threads: 4);

        // Through the queue as the host sees them: every one is handled once and the queues drain.
        var pumped = generated.Take(PumpedMessages).ToList();
        foreach (var raw in pumped) await _app.RawJobsQueue.SendMessageAsync(raw);
        var handled = 0;
        using (var timeout = new CancellationTokenSource(Deadline))
        {
            do handled += await _app.PumpOnceAsync(timeout.Token);
            while ((await _app.RawJobsQueue.PeekMessageAsync(timeout.Token)).Value is not null || (await _app.RawPoisonQueue.PeekMessageAsync(timeout.Token)).Value is not null);
        }
        var notBase64 = pumped.Count(raw => TryDecode(raw) is null);

        // Each message is handled once, and those the host cannot decode once more from the poison queue: none was retried.
        Assert.Equal(pumped.Count + notBase64, handled);
        Assert.Equal(0, await _app.PumpOnceAsync());
        output.WriteLine($"{generated.Count} garbage queue messages handed to the functions without an exception; {pumped.Count} of them ({notBase64} not base64) pumped through the queue and drained with no retry");
    }

    private async Task<string> SubmitAsync(string body)
    {
        var answer = await _app.PostJobAsync(body);
        Assert.Equal(202, answer.Status);
        return answer.Json.GetProperty("id").GetString()!;
    }

    private static string? TryDecode(string raw)
    {
        try
        {
            return FunctionApp.DecodeAsHost(raw);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
