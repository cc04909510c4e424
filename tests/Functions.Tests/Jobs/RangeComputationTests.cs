using Functions.Compute;
using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Functions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Jobs;

/// <summary>A range stops once its job no longer needs it, on whichever instance it computes.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class RangeComputationTests(AzuriteFixture azurite)
{
    public const int Threads = 2;

    /// <summary>A second, so the bound below is far above a storage round trip on a busy machine and far below the 60 s budget.</summary>
    private const int ProgressIntervalMilliseconds = 1000;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest a computation may go on after its job is canceled: the cancel lands just after a progress check, the
    /// next check comes one interval later and sees it; the second interval is the margin for that check's reads.
    /// </summary>
    public static readonly TimeSpan TwoProgressIntervals = TimeSpan.FromMilliseconds(2 * ProgressIntervalMilliseconds);

    /// <summary>200 core-seconds: two ranges of a 60 s budget on two threads, each far longer than the test waits.</summary>
    public const string LongJob = """{"kind":"sequence","input":{"chunks":100,"chunkMilliseconds":2000}}""";

    public static IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Compute:Threads"] = Threads.ToString(),
        ["Compute:ProgressIntervalMilliseconds"] = ProgressIntervalMilliseconds.ToString(),
        // Jobs other tests left queued must not refuse this one by the work queued.
        ["Jobs:MaxQueuedCoreSeconds"] = "2000000000",
    };

    [Fact]
    public async Task ComputeAsync_JobCanceledOnAnotherInstance_StopsWithinTwoProgressIntervals()
    {
        // Two instances on one storage account: the cancel reaches the computing one only through storage.
        var sequence = new SequenceKind();
        await using var web = new FunctionApp(azurite.ConnectionString, Settings, services => services.AddSingleton<IComputeKind>(new SequenceKind()));
        await using var compute = new FunctionApp(azurite.ConnectionString, Settings, services => services.AddSingleton<IComputeKind>(sequence));
        await web.ClearQueuesAsync();
        var id = await web.SubmitAsync(LongJob);
        var hold = sequence.HoldNext(Threads);
        var message = FunctionApp.DecodeAsHost((await compute.RawJobsQueue.ReceiveMessageAsync()).Value.MessageText);
        var computing = compute.Compute.Compute(message, CancellationToken.None);
        try
        {
            await hold.AllHeld.WaitAsync(Deadline);
            Assert.Equal(JobStatus.Running, await compute.StatusAsync(id));

            var cancel = await web.DeleteAsync(Routes.JobPath(id));

            Assert.Equal("canceled", cancel.Json.GetProperty("status").GetString());
            await Task.WhenAll(hold.Canceled, computing).WaitAsync(TwoProgressIntervals);
        }
        finally
        {
            hold.Release();
        }

        Assert.Equal(JobStatus.Canceled, await compute.StatusAsync(id));
        Assert.Equal(0, (await compute.Store.GetAsync(id, CancellationToken.None))!.Ranges.Count(r => r.IsDone));
    }
}
