using Functions.Compute;
using Functions.Jobs;
using Functions.Jobs.Store;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Jobs;

/// <summary>Small jobs' start messages sent at the same moment share one queue message, and each is run as if alone.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class GroupSendTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly FaultyKind _faulty = new();
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton<IComputeKind>(_faulty));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void TryParse_GroupOfStarts_ReadsEveryJobAndRefusesWhatIsNoPlainStart()
    {
        var group = new JobMessage(JobIds.New(), Group: [new JobMessage(JobIds.New(), TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]);

        Assert.True(JobMessage.TryParse(group.ToJson(), out var read));
        Assert.Equal([group.JobId, group.Group![0].JobId], read.Each.Select(m => m.JobId));
        Assert.Equal(group.Group[0].TraceParent, read.Each.Last().TraceParent);
        Assert.False(JobMessage.TryParse((group with { Group = [new JobMessage(JobIds.New(), Range: 1)] }).ToJson(), out _));
        Assert.False(JobMessage.TryParse((group with { Group = [new JobMessage("not-an-id")] }).ToJson(), out _));
        Assert.False(JobMessage.TryParse((group with { Group = [.. Enumerable.Range(0, JobMessage.MaxGroup + 1).Select(_ => new JobMessage(JobIds.New()))] }).ToJson(), out _));
    }

    [Fact]
    public async Task SendStart_ManyAtOnce_ShareQueueMessagesAndSendEachJobOnce()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => JobIds.New()).ToList();
        var queue = _app.Services.GetRequiredService<IJobQueue>();

        await Task.WhenAll(ids.Select(id => queue.SendStartAsync(new JobMessage(id), CancellationToken.None)));

        var sent = await _app.TakeJobMessagesAsync();

        Assert.InRange(sent.Count, 1, ids.Count / 2);
        Assert.Equal(ids.Order(), sent.SelectMany(m => m.Each).Select(m => m.JobId).Order());
    }

    [Fact]
    public async Task Compute_GroupMessage_RunsEveryJob()
    {
        var ids = await StoreAsync("""{"limit":1000}""", "primes", 3);

        await SendGroupAsync(ids);
        await _app.PumpUntilAsync(async () => await AllAsync(ids, JobStatus.Succeeded), Deadline);

        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Poisoned_GroupMessage_IsSplitAndOnlyTheJobFailingAloneFails()
    {
        var failing = (await StoreAsync("""{"failures":1000}""", "faulty", 1))[0];
        var fine = await StoreAsync("""{"limit":1000}""", "primes", 2);

        await SendGroupAsync([fine[0], failing, fine[1]]);
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(failing) == JobStatus.Failed, Deadline);

        Assert.True(await AllAsync(fine, JobStatus.Succeeded));
        // Given up on once in the group, then once alone.
        Assert.Equal(2 * HostJson.MaxDequeueCount, _faulty.Attempts);
        Assert.Equal("retries-exhausted", (await _app.Store.GetAsync(failing, CancellationToken.None))!.Job.Error!.Code);
    }

    [Fact]
    public async Task Compute_UnreadableGroupMessage_SendsEachJobAlone()
    {
        var ids = await StoreAsync("""{"limit":1000}""", "primes", 2);
        var unreadable = $$"""{"jobId":"{{ids[0]}}","group":[{"jobId":"{{ids[1]}}","range":1}]}""";

        await _app.Compute.Compute(unreadable, CancellationToken.None);

        var sent = await _app.TakeJobMessagesAsync();
        Assert.Equal(ids.Order(), sent.Select(m => m.JobId).Order());
        Assert.All(sent, m => Assert.Null(m.Group));
        Assert.True(await AllAsync(ids, JobStatus.Queued));
    }

    [Fact]
    public async Task SendStart_LongTraceStates_KeepEachMessageWithinWhatAQueueMessageHolds()
    {
        var traceState = "vendor=" + new string('x', 4000);
        var queue = _app.Services.GetRequiredService<IJobQueue>();

        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => queue.SendStartAsync(new JobMessage(JobIds.New(), TraceState: traceState), CancellationToken.None)));

        var sent = await _app.TakeJobMessagesAsync();
        Assert.Equal(32, sent.Sum(m => m.Each.Count()));
        Assert.All(sent, m => Assert.InRange(m.ToJson().Length, 1, 33 * 1024));
    }

    private async Task<List<string>> StoreAsync(string input, string kind, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var job = new JobRecord(JobIds.New(), kind, input, JobStatus.Queued, DateTimeOffset.UtcNow);
            Assert.NotNull(await _app.Store.TryCreateAsync(job, CancellationToken.None));
            ids.Add(job.Id);
        }

        return ids;
    }

    private Task SendGroupAsync(IReadOnlyList<string> ids) => _app.Services.GetRequiredService<IJobQueue>().SendAsync(
        new JobMessage(ids[0], Group: [.. ids.Skip(1).Select(id => new JobMessage(id))]), CancellationToken.None);

    private async Task<bool> AllAsync(IEnumerable<string> ids, JobStatus status)
    {
        foreach (var id in ids)
            if (await _app.StatusAsync(id) != status) return false;
        return true;
    }
}
