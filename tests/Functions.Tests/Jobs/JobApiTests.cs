using System.Text.Json;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Functions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Hello_WithName_GreetsByName()
    {
        var answer = await _app.GetAsync(Routes.HelloPath + "?name=Ada");

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("text/plain", answer.ContentType);
        Assert.Equal("Hello, Ada!", answer.Text);
        Assert.Equal("Hello, world!", (await _app.GetAsync(Routes.HelloPath)).Text);
    }

    [Fact]
    public async Task Kinds_ListsPrimesWithItsLimit()
    {
        var answer = await _app.GetAsync(Routes.KindsPath);

        Assert.Equal(200, answer.Status);
        var primes = answer.Json.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "primes");
        var limit = primes.GetProperty("input").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "limit");
        Assert.Equal(0, limit.GetProperty("minimum").GetDouble());
        Assert.True(limit.GetProperty("maximum").GetDouble() >= 1e12);
    }

    [Fact]
    public async Task Submit_Accepted_MessageOnQueueComputesToTheRightCount()
    {
        var submit = await _app.PostJobAsync("""{"kind":"primes","input":{"limit":1000000}}""");

        Assert.Equal(202, submit.Status);
        var id = submit.Json.GetProperty("id").GetString()!;
        Assert.True(JobIds.IsWellFormed(id));
        Assert.Equal(Routes.JobPath(id), submit.Header("Location"));
        Assert.True(int.Parse(submit.Header("Retry-After")!) > 0);
        Assert.Equal("queued", submit.Json.GetProperty("status").GetString());
        Assert.Equal("primes", submit.Json.GetProperty("kind").GetString());
        Assert.Equal(Routes.JobPath(id), submit.Json.GetProperty("statusUrl").GetString());
        Assert.True(submit.Json.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var queued = await _app.RawJobsQueue.ReceiveMessageAsync();
        var text = FunctionApp.DecodeAsHost(queued.Value.MessageText);
        Assert.Equal(id, JsonDocument.Parse(text).RootElement.GetProperty("jobId").GetString());
        Assert.Equal(202, (await _app.GetAsync(Routes.JobPath(id))).Status);

        await _app.Compute.Compute(text, CancellationToken.None);

        var done = await _app.GetAsync(Routes.JobPath(id));
        Assert.Equal(200, done.Status);
        Assert.Equal("succeeded", done.Json.GetProperty("status").GetString());
        Assert.Equal(78498, done.Json.GetProperty("result").GetProperty("count").GetInt64());
        Assert.Equal(1.0, done.Json.GetProperty("progress").GetDouble());
        Assert.False(done.Json.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Submit_Primes1e10_ReturnsKnownCount()
    {
        var submit = await _app.PostJobAsync("""{"kind":"primes","input":{"limit":10000000000}}""");
        var id = submit.Json.GetProperty("id").GetString()!;
        // Not a speed test: the bound is the host's own, functionTimeout for each of the job's ranges, run one after another here.
        var ranges = submit.Json.GetProperty("estimate").GetProperty("ranges").GetInt32();

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, HostJson.FunctionTimeout * ranges);

        var done = await _app.GetAsync(Routes.JobPath(id));
        Assert.Equal(455052511, done.Json.GetProperty("result").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task GetWithWait_ReturnsAsSoonAsTheJobFinishes()
    {
        // On a clock that never moves, the wait's own polls never come round: only the job finishing can answer it.
        await using var app = new FunctionApp(azurite.ConnectionString,
            addTestServices: services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow)));
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":100}}""");
        var waiting = app.GetAsync(Routes.JobPath(id) + "?wait=60");
        Assert.False(waiting.IsCompleted);

        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        var answer = await waiting.WaitAsync(Deadline);

        Assert.Equal(200, answer.Status);
        Assert.Equal(25, answer.Json.GetProperty("result").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task GetWithWait_JobStillQueued_HoldsForTheWaitThenAnswers202()
    {
        // On a clock that moves only when the test moves it, a wait that is honoured cannot answer before it has gone by.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reads = new StoreCalls();
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            reads.Register(services);
        });
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":100}}""");
        var waiting = app.GetAsync(Routes.JobPath(id) + "?wait=3");

        await AdvanceAsync(clock, reads, TimeSpan.FromMilliseconds(2900));
        Assert.False(waiting.IsCompleted, "answered before the 3 s wait was over");
        await AdvanceAsync(clock, reads, TimeSpan.FromMilliseconds(200));
        var answer = await waiting.WaitAsync(Deadline);

        Assert.True(reads.Of(nameof(IJobStore.GetAsync)) > 1, "the wait read the job again while it lasted");
        Assert.Equal(202, answer.Status);
        Assert.Equal("queued", answer.Json.GetProperty("status").GetString());
        Assert.NotNull(answer.Header("Retry-After"));
    }

    [Fact]
    public async Task SubmitWithWait_SmallJob_AnswersWithTheResult()
    {
        HttpAnswer answer;
        await using (_app.StartListening())
        {
            answer = await _app.PostJobAsync("""{"kind":"primes","input":{"limit":1000}}""", "?wait=60");
        }

        Assert.Equal(200, answer.Status);
        Assert.Equal(168, answer.Json.GetProperty("result").GetProperty("count").GetInt64());
        Assert.NotNull(answer.Header("Location"));
    }

    [Fact]
    public async Task Cancel_QueuedJob_StaysCanceledWhenItsMessageArrives()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");

        var cancel = await _app.DeleteAsync(Routes.JobPath(id));
        Assert.Equal(200, cancel.Status);
        Assert.Equal("canceled", cancel.Json.GetProperty("status").GetString());

        await _app.PumpUntilAsync(async () => await _app.RawJobsQueue.PeekMessageAsync() is { Value: null }, Deadline);
        var after = await _app.GetAsync(Routes.JobPath(id));
        Assert.Equal(200, after.Status);
        Assert.Equal("canceled", after.Json.GetProperty("status").GetString());
        Assert.False(after.Json.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsTheComputationWithinTwoProgressIntervals()
    {
        // "canceled" is written by the DELETE itself; only the computation seeing its token canceled shows it stopped.
        var sequence = new SequenceKind();
        await using var app = new FunctionApp(azurite.ConnectionString, RangeComputationTests.Settings, services => services.AddSingleton<IComputeKind>(sequence));
        await app.ClearQueuesAsync();
        var id = await app.SubmitAsync(RangeComputationTests.LongJob);
        var hold = sequence.HoldNext(RangeComputationTests.Threads);
        var message = FunctionApp.DecodeAsHost((await app.RawJobsQueue.ReceiveMessageAsync()).Value.MessageText);
        // Only this invocation may run: pumping the queue meanwhile could pick up the job's range messages.
        var computing = app.Compute.Compute(message, CancellationToken.None);
        try
        {
            await hold.AllHeld.WaitAsync(Deadline);
            Assert.Equal(JobStatus.Running, await app.StatusAsync(id));

            var cancel = await app.DeleteAsync(Routes.JobPath(id));

            Assert.Equal("canceled", cancel.Json.GetProperty("status").GetString());
            await Task.WhenAll(hold.Canceled, computing).WaitAsync(RangeComputationTests.TwoProgressIntervals);
        }
        finally
        {
            hold.Release();
        }

        Assert.Equal(JobStatus.Canceled, await app.StatusAsync(id));
    }

    [Fact]
    public async Task Cancel_FinishedJob_Answers409AndChangesNothing()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":10}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var cancel = await _app.DeleteAsync(Routes.JobPath(id));

        Assert.Equal(409, cancel.Status);
        Assert.Equal("application/problem+json", cancel.ContentType);
        Assert.Equal(JobStatus.Succeeded, await _app.StatusAsync(id));
    }

    [Fact]
    public async Task RedeliveredMessage_OfFinishedJob_ChangesNothing()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");
        var message = FunctionApp.DecodeAsHost((await _app.RawJobsQueue.ReceiveMessageAsync()).Value.MessageText);
        await _app.Compute.Compute(message, CancellationToken.None);
        var before = await _app.Store.GetAsync(id, CancellationToken.None);

        await _app.Compute.Compute(message, CancellationToken.None);

        var after = await _app.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.Job, after.Job);
    }

    [Fact]
    public async Task Result_OfJsonJob_IsTheResultJson()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":30}}""");
        Assert.Equal(202, (await _app.GetAsync(Routes.JobResultPath(id))).Status);
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var result = await _app.GetAsync(Routes.JobResultPath(id));

        Assert.Equal(200, result.Status);
        Assert.Equal(10, result.Json.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Mandelbrot_ResultIsAPngOfTheRequestedSize()
    {
        var id = await _app.SubmitAsync("""{"kind":"mandelbrot","input":{"width":320,"height":200,"maxIterations":200}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var status = await _app.GetAsync(Routes.JobPath(id));
        var png = await _app.GetAsync(Routes.JobResultPath(id));

        Assert.Equal(Routes.JobResultPath(id), status.Json.GetProperty("resultUrl").GetString());
        Assert.Equal(200, png.Status);
        Assert.Equal("image/png", png.ContentType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Body[..4]);
        Assert.Equal(320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.Body.AsSpan(16, 4)));
        Assert.Equal(200, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.Body.AsSpan(20, 4)));
    }

    [Fact]
    public async Task HashSearch_AnswersTheSmallestNonceThroughTheApi()
    {
        var id = await _app.SubmitAsync("""{"kind":"hashsearch","input":{"prefix":"hello","difficulty":8}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var result = (await _app.GetAsync(Routes.JobPath(id))).Json.GetProperty("result");
        var nonce = result.GetProperty("nonce").GetUInt64();
        var smallest = Enumerable.Range(0, (int)nonce + 1).Select(n => (ulong)n).First(n => LeadingZeroBits(n) >= 8);
        Assert.Equal(smallest, nonce);
    }

    private static int LeadingZeroBits(ulong nonce)
    {
        var message = new byte[13];
        "hello"u8.CopyTo(message);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(5), nonce);
        var hash = System.Security.Cryptography.SHA256.HashData(message);
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0) { bits += 8; continue; }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }

        return bits;
    }

    [Fact]
    public async Task OverRealHttp_SubmitAwaitedAndResultFetched_AnswersAsTheHostWould()
    {
        await using var server = await _app.ServeAsync();
        await using var listening = _app.StartListening();
        using var http = server.CreateClient();

        using var submit = await http.PostAsync(Routes.JobsPath + "?wait=60", new StringContent(
            """{"kind":"mandelbrot","input":{"width":64,"height":48,"maxIterations":100}}""", System.Text.Encoding.UTF8, "application/json"));
        var job = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement;
        using var png = await http.GetAsync(job.GetProperty("resultUrl").GetString());

        Assert.Equal(200, (int)submit.StatusCode);
        Assert.Equal(Routes.JobPath(job.GetProperty("id").GetString()!), submit.Headers.Location?.OriginalString);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(job.GetProperty("result").GetProperty("pngBytes").GetInt32(), (await png.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(404, (int)(await http.GetAsync("/api/nothing")).StatusCode);
    }

    /// <summary>Moves the clock in steps of 100 ms, letting the reads each step starts finish before the next.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider clock, StoreCalls reads, TimeSpan span)
    {
        for (var moved = TimeSpan.Zero; moved < span; moved += TimeSpan.FromMilliseconds(100))
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            await reads.SettledAsync();
        }
    }
}
