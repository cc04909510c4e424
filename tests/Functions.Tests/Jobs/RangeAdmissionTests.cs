using Functions.Compute;
using Functions.Jobs.Run;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Functions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Jobs;

/// <summary>A range that would wait too long behind the executor's work goes back to the queue, not counted as a failure.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class RangeAdmissionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string Job = """{"kind":"sequence","input":{"chunks":100,"chunkMilliseconds":100}}""";
    private readonly SequenceKind _sequence = new();
    private readonly ManualResetEventSlim _busy = new();
    private FunctionApp _app = null!;
    private Task _occupying = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        // One thread and a 60 s budget, of which a range may wait 10% (6 s): a job of 10 s (100 chunks of 100 ms) behind an
        // hour of work would wait 10 s more.
        _app = new FunctionApp(azurite.ConnectionString,
            new Dictionary<string, string?> { ["Compute:Threads"] = "1", ["Compute:MaxDelayPercent"] = "10" },
            services => services.AddSingleton<IComputeKind>(_sequence));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync()
    {
        _busy.Set();
        await _occupying;
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Range_BehindTooMuchWork_IsHandedBackInvisibleAndRunsLater()
    {
        var id = await _app.SubmitAsync(Job);
        Occupy();

        await _app.PumpOnceAsync();

        Assert.Equal(JobStatus.Queued, await _app.StatusAsync(id));
        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
        Assert.Equal(1, (await _app.RawJobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await FunctionApp.WaitUntilAsync(async () => (await _app.RawJobsQueue.PeekMessageAsync()).Value is not null, Deadline);
        var handedBack = (await _app.RawJobsQueue.PeekMessageAsync()).Value;
        Assert.Equal(0, handedBack.DequeueCount);
        Assert.True(JobMessage.TryParse(FunctionApp.DecodeAsHost(handedBack.MessageText), out var parsed));
        Assert.Equal(new JobMessage(id, Deferrals: 1), parsed with { SentAt = null });
        Assert.NotNull(parsed.SentAt);

        _busy.Set();
        await _app.PumpUntilAsync(async () => (await _app.StatusAsync(id))?.IsFinished() == true, Deadline);
        Assert.Equal(JobStatus.Succeeded, await _app.StatusAsync(id));
    }

    [Fact]
    public async Task Range_HandedBackTheMostTimes_IsTakenAnyway()
    {
        var id = await _app.SubmitAsync(Job);
        await _app.ClearQueuesAsync();
        await _app.Services.GetRequiredService<IJobQueue>().SendAsync(new JobMessage(id, Deferrals: RangeAdmission.MaxDeferrals), CancellationToken.None);
        Occupy();

        var computing = _app.PumpOnceAsync();
        await FunctionApp.WaitUntilAsync(async () => computing.IsCompleted || await _app.StatusAsync(id) == JobStatus.Running, Deadline);

        Assert.False(computing.IsCompleted, "the invocation ended without computing: the range was handed back again");
        Assert.Equal(JobStatus.Running, await _app.StatusAsync(id));
        // The message being computed, invisible; a hand-back would be a second.
        Assert.Equal(1, (await _app.RawJobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        _busy.Set();
        Assert.Equal(1, await computing.WaitAsync(Deadline));
        Assert.Equal(JobStatus.Succeeded, await _app.StatusAsync(id));
        Assert.Equal(0, (await _app.RawJobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Range_OnAnIdleExecutor_IsTakenAtOnce()
    {
        var id = await _app.SubmitAsync(Job);

        await _app.PumpOnceAsync();

        Assert.Equal(JobStatus.Succeeded, await _app.StatusAsync(id));
    }

    /// <summary>Puts an hour of estimated work on the app's executor, its one thread held until released.</summary>
    private void Occupy()
    {
        var executor = _app.Services.GetRequiredService<ComputeExecutor>();
        _occupying = executor.ForEachAsync(0, 3600, _ =>
        {
            _busy.Wait();
            return "";
        }, null, CancellationToken.None, itemCost: TimeSpan.FromSeconds(1));
    }
}
