using Functions.Compute;
using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Xunit.Abstractions;

namespace Functions.Tests.Reliability;

/// <summary>Many invocations finishing one job at once, and a cancel racing the last range: one consistent end.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class CompletionRaceTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly SequenceKind _sequence = new();
    private readonly JobTransitions _transitions = new();
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        // A budget of 0 s gives every chunk its own range, so a job of n chunks fans out into n range messages.
        _app = ReliabilityApp.Create(azurite.ConnectionString, _sequence, _transitions, ("Compute:InvocationBudgetSeconds", "0"), ("Compute:Threads", "32"));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Compute_AllRangesAndTheirDuplicatesAtOnce_TheMergeFinishesTheJobOnceWithTheUnchunkedResult()
    {
        const int chunks = 12;
        var expected = Unchunked(_sequence, SequenceKind.Job(chunks));
        var deliveries = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await _app.ClearQueuesAsync();
            var id = await SubmitAsync(chunks);
            var start = await ReceiveAsync(1);
            await _app.Compute.Compute(start[0], CancellationToken.None);
            var ranges = await ReceiveAsync(chunks - 1);
            Assert.Equal(chunks, (await _app.Store.GetAsync(id, CancellationToken.None))!.Job.RangeCount);

            // Every range twice, and the start message again, all at once. In even rounds every delivery is held in
            // its chunk until all have arrived, so they store their partials together and race to merge.
            string[] all = [.. ranges, .. ranges, start[0]];
            deliveries += all.Length;
            var hold = round % 2 == 0 ? _sequence.HoldNext(all.Length - 1) : null;
            var computing = all.Select(text => Task.Run(() => _app.Compute.Compute(text, CancellationToken.None))).ToList();
            if (hold is not null)
            {
                await hold.AllHeld.WaitAsync(Deadline);
                hold.Release();
            }

            await Task.WhenAll(computing).WaitAsync(Deadline);

            var answer = await _app.GetAsync(Routes.JobPath(id));
            Assert.Equal("succeeded", answer.Json.GetProperty("status").GetString());
            Assert.Equal(expected, answer.Json.GetProperty("result").GetRawText());
            Assert.Equal(1, _transitions.FinishesOf(id));
        }

        output.WriteLine($"{Rounds} jobs of {chunks} ranges, {deliveries} concurrent deliveries: {Rounds} finished once each; {_transitions.LostFinishes} competing merges refused by the conditional write");
    }

    [Fact]
    public async Task Cancel_RacingTheLastRange_OneConsistentEndThatNeverChanges()
    {
        var outcomes = new Dictionary<string, int> { ["canceled"] = 0, ["succeeded"] = 0 };
        for (var round = 0; round < Rounds; round++)
        {
            await _app.ClearQueuesAsync();
            var id = await SubmitAsync(chunks: 2);
            var start = (await ReceiveAsync(1))[0];
            await _app.Compute.Compute(start, CancellationToken.None);
            var last = (await ReceiveAsync(1))[0];

            // The last range is held mid-chunk. The cancel goes just before its release, or with it (free races), or
            // meets the merge at its final write: held until the cancel is done (the merge must find the job canceled),
            // or the cancel's write held until the merge is done (the cancel must find the job finished).
            var hold = _sequence.HoldNext(1);
            var computing = Task.Run(() => _app.Compute.Compute(last, CancellationToken.None));
            await hold.AllHeld.WaitAsync(Deadline);
            Task<HttpAnswer> cancel;
            var variant = round % 4;
            switch (variant)
            {
                case 0:
                    cancel = Task.Run(() => _app.DeleteAsync(Routes.JobPath(id)));
                    hold.Release();
                    break;
                case 1:
                    hold.Release();
                    cancel = Task.Run(() => _app.DeleteAsync(Routes.JobPath(id)));
                    break;
                case 2:
                    var merging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var canceledFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _transitions.BeforeWrite = job => job.Id == id && job.Status == JobStatus.Succeeded ? Signal(merging, canceledFirst.Task) : Task.CompletedTask;
                    hold.Release();
                    await merging.Task.WaitAsync(Deadline);
                    cancel = Task.FromResult(await _app.DeleteAsync(Routes.JobPath(id)));
                    canceledFirst.SetResult();
                    break;
                default:
                    var cancelWriting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _transitions.BeforeWrite = job => job.Id == id && job.Status == JobStatus.Canceled
                        ? Signal(cancelWriting, UntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded))
                        : Task.CompletedTask;
                    cancel = Task.Run(() => _app.DeleteAsync(Routes.JobPath(id)));
                    await cancelWriting.Task.WaitAsync(Deadline);
                    hold.Release();
                    break;
            }

            var canceled = await cancel.WaitAsync(Deadline);
            await computing.WaitAsync(Deadline);

            _transitions.BeforeWrite = null;
            var status = await AssertConsistentAsync(id, canceled);
            outcomes[status]++;
            if (variant == 2) Assert.Equal("canceled", status);
            if (variant == 3) Assert.Equal("succeeded", status);
            Assert.Equal(1, _transitions.FinishesOf(id));

            // Late deliveries and a second cancel change nothing.
            var settled = await _app.Store.GetAsync(id, CancellationToken.None);
            await _app.Compute.Compute(last, CancellationToken.None);
            await _app.Compute.Compute(start, CancellationToken.None);
            await _app.DeleteAsync(Routes.JobPath(id));
            var later = await _app.Store.GetAsync(id, CancellationToken.None);
            Assert.Equal(settled!.Version, later!.Version);
            Assert.Equal(settled.Job, later.Job);
            Assert.Equal(status, await AssertConsistentAsync(id, canceled));
        }

        output.WriteLine($"cancel racing the last range, {Rounds} rounds: {outcomes["canceled"]} canceled, {outcomes["succeeded"]} succeeded, 0 inconsistent");
    }

    /// <summary>Canceled with no result and the cancel answered 200, or succeeded with the result and the cancel refused with 409.</summary>
    private async Task<string> AssertConsistentAsync(string id, HttpAnswer cancel)
    {
        var answer = await _app.GetAsync(Routes.JobPath(id));
        var result = await _app.GetAsync(Routes.JobResultPath(id));
        Assert.Equal(200, answer.Status);
        var status = answer.Json.GetProperty("status").GetString()!;
        if (status == "canceled")
        {
            Assert.Equal(200, cancel.Status);
            Assert.False(answer.Json.TryGetProperty("result", out _));
            Assert.Equal(409, result.Status);
        }
        else
        {
            Assert.Equal("succeeded", status);
            Assert.Equal(409, cancel.Status);
            Assert.Equal(SequenceKind.Expected(2), answer.Json.GetProperty("result").GetProperty("sequence").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(200, result.Status);
        }

        return status;
    }

    private static async Task Signal(TaskCompletionSource reached, Task proceed)
    {
        reached.TrySetResult();
        await proceed;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (!await condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    private async Task<string> SubmitAsync(int chunks)
    {
        var answer = await _app.PostJobAsync(SequenceKind.Job(chunks));
        Assert.Equal(202, answer.Status);
        return answer.Json.GetProperty("id").GetString()!;
    }

    /// <summary>Takes exactly <paramref name="count"/> messages off the jobs queue, as the host would hand them to invocations.</summary>
    private async Task<List<string>> ReceiveAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var texts = new List<string>();
        while (texts.Count < count)
        {
            var batch = await _app.RawJobsQueue.ReceiveMessagesAsync(Math.Min(32, count - texts.Count), TimeSpan.FromMinutes(5), timeout.Token);
            foreach (var message in batch.Value)
            {
                texts.Add(FunctionApp.DecodeAsHost(message.MessageText));
                await _app.RawJobsQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, timeout.Token);
            }
        }

        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync(timeout.Token)).Value);
        return texts;
    }

    /// <summary>The job's result computed in one piece, chunk by chunk in order, without the queue or storage.</summary>
    private static string Unchunked(IComputeKind kind, string request)
    {
        using var body = System.Text.Json.JsonDocument.Parse(request);
        var plan = kind.Plan(body.RootElement.GetProperty("input"));
        var partials = Enumerable.Range(0, plan.ChunkCount).Select(i => plan.ComputeChunk(i, CancellationToken.None)).ToList();
        return plan.Complete(plan.Reduce(partials)).Value.GetRawText();
    }
}
