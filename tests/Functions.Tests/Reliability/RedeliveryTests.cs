using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Reliability;

/// <summary>At-least-once delivery: invocations that die, hang or run twice still finish every job exactly once.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class RedeliveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ShortVisibility = TimeSpan.FromSeconds(2);
    private readonly SequenceKind _sequence = new();
    private readonly JobTransitions _transitions = new();
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = ReliabilityApp.Create(azurite.ConnectionString, _sequence, _transitions, ("Compute:Threads", "4"));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Compute_InvocationDiesMidChunk_MessageReappearsAndTheJobCompletes()
    {
        var id = await SubmitAsync(chunks: 6);
        var hold = _sequence.HoldNext(1);
        var message = (await _app.RawJobsQueue.ReceiveMessageAsync(ShortVisibility)).Value;
        using var host = new CancellationTokenSource();

        var dying = _app.Compute.Compute(FunctionApp.DecodeAsHost(message.MessageText), host.Token);
        await hold.AllHeld.WaitAsync(Deadline);
        // A job of one range is written running once it is still computing at the first progress interval.
        await FunctionApp.WaitUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Running, Deadline);
        await host.CancelAsync();

        // The host is going down: the invocation ends without finishing, and nobody deletes its message.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying.WaitAsync(Deadline));
        Assert.Equal(JobStatus.Running, await _app.StatusAsync(id));
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        await AssertSucceededOnceAsync(id, chunks: 6);
        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Compute_InvocationHangsPastItsVisibility_RedeliveryCompletesAndTheStragglerChangesNothing()
    {
        var id = await SubmitAsync(chunks: 6);
        var hold = _sequence.HoldNext(1);
        var message = (await _app.RawJobsQueue.ReceiveMessageAsync(ShortVisibility)).Value;

        // A frozen instance: its invocation stops mid-chunk and its message becomes visible to others again.
        var straggler = _app.Compute.Compute(FunctionApp.DecodeAsHost(message.MessageText), CancellationToken.None);
        JobSnapshot? finished;
        try
        {
            await hold.AllHeld.WaitAsync(Deadline);
            await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
            finished = await _app.Store.GetAsync(id, CancellationToken.None);
        }
        finally
        {
            // Released whatever happened above, or the held thread would keep the test run from ending.
            hold.Release();
        }

        await straggler.WaitAsync(Deadline);

        var after = await _app.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(finished!.Version, after!.Version);
        Assert.Equal(finished.Job, after.Job);
        await AssertSucceededOnceAsync(id, chunks: 6);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 1)]
    [InlineData(5, 0)]
    public async Task Compute_SameMessageTwiceAtOnce_OneResult(int chunks, int budgetSeconds)
    {
        await using var app = ReliabilityApp.Create(
            azurite.ConnectionString, _sequence, _transitions, ("Compute:Threads", "16"), ("Compute:InvocationBudgetSeconds", budgetSeconds.ToString()));
        for (var round = 0; round < 10; round++)
        {
            var id = (await app.PostJobAsync(SequenceKind.Job(chunks))).Json.GetProperty("id").GetString()!;
            // Taken off the queue for good, so a later round cannot receive this round's message once it is visible again.
            var received = (await app.RawJobsQueue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
            await app.RawJobsQueue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
            var text = FunctionApp.DecodeAsHost(received.MessageText);
            Assert.Contains(id, text);

            // Hold both deliveries mid-range, then let them go together, so they race to store and merge.
            var hold = _sequence.HoldNext(budgetSeconds == 0 ? 2 : 2 * chunks);
            var first = Task.Run(() => app.Compute.Compute(text, CancellationToken.None));
            var second = Task.Run(() => app.Compute.Compute(text, CancellationToken.None));
            await hold.AllHeld.WaitAsync(Deadline);
            hold.Release();
            await Task.WhenAll(first, second).WaitAsync(Deadline);
            await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

            await AssertSucceededOnceAsync(id, chunks, app);
        }
    }

    [Fact]
    public async Task Compute_OneRangeFailsEveryTime_IsPoisonedAndTheJobFailsWithAReason()
    {
        await using var app = ReliabilityApp.Create(azurite.ConnectionString, _sequence, _transitions, ("Compute:InvocationBudgetSeconds", "0"));
        var id = await app.SubmitAsync("""{"kind":"sequence","input":{"chunks":3,"failChunk":2}}""");

        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Failed, Deadline);
        await app.PumpUntilAsync(async () => (await app.RawJobsQueue.PeekMessageAsync()).Value is null && (await app.RawPoisonQueue.PeekMessageAsync()).Value is null, Deadline);

        var answer = await app.GetAsync(Routes.JobPath(id));
        Assert.Equal(200, answer.Status);
        Assert.Equal("failed", answer.Json.GetProperty("status").GetString());
        Assert.Equal("retries-exhausted", answer.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.False(answer.Json.TryGetProperty("result", out _));
        Assert.Equal(409, (await app.GetAsync(Routes.JobResultPath(id))).Status);
        Assert.Equal(new[] { JobStatus.Running, JobStatus.Failed }, _transitions.Of(id));
    }

    private async Task<string> SubmitAsync(int chunks)
    {
        var answer = await _app.PostJobAsync(SequenceKind.Job(chunks));
        Assert.Equal(202, answer.Status);
        return answer.Json.GetProperty("id").GetString()!;
    }

    private async Task AssertSucceededOnceAsync(string id, int chunks, FunctionApp? app = null)
    {
        var answer = await (app ?? _app).GetAsync(Routes.JobPath(id));
        Assert.Equal(200, answer.Status);
        Assert.Equal("succeeded", answer.Json.GetProperty("status").GetString());
        Assert.Equal(SequenceKind.Expected(chunks), answer.Json.GetProperty("result").GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, _transitions.FinishesOf(id));
        Assert.Equal(JobStatus.Succeeded, _transitions.Of(id)[^1]);
    }
}
