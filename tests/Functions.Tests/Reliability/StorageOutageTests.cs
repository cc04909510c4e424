using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Xunit.Abstractions;

namespace Functions.Tests.Reliability;

/// <summary>Storage goes away while jobs are queued and running, and comes back: every accepted job completes, once.</summary>
[Trait("Category", TestCategories.Storage)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task StorageRestart_WhileJobsQueuedAndRunning_EveryAcceptedJobCompletesOnce()
    {
        var folder = Directory.CreateTempSubdirectory("azurite-outage-").FullName;
        Azurite? azurite = await Azurite.StartAsync(folder);
        try
        {
            var sequence = new SequenceKind();
            var transitions = new JobTransitions();
            // A budget of 0 s gives every chunk its own range message; a message whose invocation failed comes back after 2 s.
            await using var app = ReliabilityApp.Create(azurite.ConnectionString, sequence, transitions, ("Compute:InvocationBudgetSeconds", "0"), ("Compute:Threads", "4"));
            app.VisibilityTimeout = TimeSpan.FromSeconds(2);
            var expected = new Dictionary<string, string>();
            for (var i = 0; i < 4; i++) expected[await SubmitAsync(app, """{"kind":"primes","input":{"limit":1000000000}}""")] = """{"count":50847534}""";
            for (var i = 0; i < 4; i++) expected[await SubmitAsync(app, SequenceKind.Job(3))] = """{"sequence":[0,1,2]}""";

            // The pump takes every start message in one batch: the primes jobs start and compute their first range,
            // then the first sequence job stops mid-chunk, with the other ranges still on the queue.
            var hold = sequence.HoldNext(1);
            var pumping = app.PumpOnceAsync();
            await hold.AllHeld.WaitAsync(Deadline);
            var before = await StatusesAsync(app, expected.Keys);
            Assert.Contains(JobStatus.Running, before);

            await azurite.ShutDownAsync();
            hold.Release();

            // Meanwhile everything fails: the invocation in flight (the host would retry its message), reads, submits,
            // and the health probe says so.
            var submitting = app.PostJobAsync(SequenceKind.Job(1));
            var probing = app.GetAsync(Routes.HealthPath);
            var refused = await Task.WhenAll(
                Record.ExceptionAsync(() => pumping),
                Record.ExceptionAsync(() => app.Store.GetAsync(expected.Keys.First(), CancellationToken.None)),
                Record.ExceptionAsync(() => submitting),
                Record.ExceptionAsync(() => probing));
            Assert.NotNull(refused[0]);
            Assert.NotNull(refused[1]);
            Assert.True(refused[2] is not null || (await submitting).Status >= 500, "a job was accepted while storage was down");
            Assert.Equal(503, (await probing).Status);

            var ports = (azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
            await azurite.DisposeAsync();
            azurite = null;
            azurite = await Azurite.StartAsync(folder, ports);
            Assert.Equal(200, (await app.GetAsync(Routes.HealthPath)).Status);
            await app.PumpUntilAsync(async () => (await StatusesAsync(app, expected.Keys)).All(s => s == JobStatus.Succeeded), Deadline);
            await app.PumpUntilAsync(async () => (await app.RawJobsQueue.PeekMessageAsync()).Value is null && (await app.RawPoisonQueue.PeekMessageAsync()).Value is null, Deadline);

            foreach (var (id, result) in expected)
            {
                var answer = await app.GetAsync(Routes.JobPath(id));
                Assert.Equal("succeeded", answer.Json.GetProperty("status").GetString());
                Assert.Equal(result, answer.Json.GetProperty("result").GetRawText());
                Assert.Equal(1, transitions.FinishesOf(id));
            }

            output.WriteLine(
                $"storage stopped and restarted with {expected.Count} jobs accepted ({before.Count(s => s == JobStatus.Running)} running, {before.Count(s => s == JobStatus.Queued)} queued): " +
                $"{expected.Count} completed, 0 lost, 0 completed twice; {refused.Length} operations refused during the outage");
        }
        finally
        {
            if (azurite is not null) await azurite.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> SubmitAsync(FunctionApp app, string body)
    {
        var answer = await app.PostJobAsync(body);
        Assert.Equal(202, answer.Status);
        return answer.Json.GetProperty("id").GetString()!;
    }

    private static async Task<List<JobStatus>> StatusesAsync(FunctionApp app, IEnumerable<string> ids)
    {
        var statuses = new List<JobStatus>();
        foreach (var id in ids) statuses.Add((await app.StatusAsync(id))!.Value);
        return statuses;
    }
}
