using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class FaultTests(AzuriteFixture azurite) : IAsyncLifetime
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
    public async Task FailingComputation_IsRetriedAndSucceeds()
    {
        var id = await _app.SubmitAsync("""{"kind":"faulty","input":{"failures":2}}""");

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        Assert.Equal(3, _faulty.Attempts);
        Assert.Equal(42, (await _app.GetAsync(Routes.JobPath(id))).Json.GetProperty("result").GetProperty("answer").GetInt32());
    }

    [Fact]
    public async Task ComputationFailingEveryTime_IsPoisonedAndTheJobFails()
    {
        var id = await _app.SubmitAsync("""{"kind":"faulty","input":{"failures":1000}}""");

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Failed, Deadline);

        var answer = await _app.GetAsync(Routes.JobPath(id));
        Assert.Equal(200, answer.Status);
        Assert.Equal("retries-exhausted", answer.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", answer.Text);
        Assert.Equal(HostJson.MaxDequeueCount, _faulty.Attempts);
        Assert.Null((await _app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task PoisonMessage_OfFinishedJob_ChangesNothing()
    {
        var id = await _app.SubmitAsync("""{"kind":"faulty","input":{"failures":0}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        await _app.Compute.FailPoisoned(new JobMessage(id).ToJson(), CancellationToken.None);

        Assert.Equal(JobStatus.Succeeded, await _app.StatusAsync(id));
    }

    [Fact]
    public async Task Submit_SendRefusedAfterTheJobIsStored_AcceptsItMarkedAndTheRecoverySendsIt()
    {
        // The depth is read and the job row written for real; only the message cannot be sent. The job stays stored and
        // marked not yet sent, so it is accepted, and the stranded-job recovery sends its message.
        var queue = new SendRefused();
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services =>
            services.AddSingleton<IJobQueue>(provider => queue.Over(ActivatorUtilities.CreateInstance<StorageJobQueue>(provider))));
        await app.ClearQueuesAsync();

        var answer = await app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}""");

        Assert.Equal(202, answer.Status);
        Assert.Equal((1, 1), (queue.DepthReads, queue.SendsRefused));
        var id = answer.Json.GetProperty("id").GetString()!;
        Assert.False(await app.Store.IsSentAsync(id, CancellationToken.None));
        Assert.Equal(0, (await app.RawJobsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + JobRecovery.SubmitWindow + TimeSpan.FromSeconds(1));
        var recovery = new JobRecovery(app.Store, app.Store, app.Store, ActivatorUtilities.CreateInstance<StorageJobQueue>(app.Services), later, NullLogger<JobRecovery>.Instance);
        Assert.Contains(id, await recovery.RequeueStrandedAsync(CancellationToken.None));
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
    }

    [Fact]
    public async Task JobEndpoints_TableStorageUnreachable_Answer503ProblemNot500()
    {
        var deadTables = System.Text.RegularExpressions.Regex.Replace(azurite.ConnectionString, @"(Table|Blob)Endpoint=[^;]+", "$1Endpoint=http://127.0.0.1:9/devstoreaccount1");
        await using var app = new FunctionApp(deadTables);
        await app.ClearQueuesAsync();
        var id = JobIds.New();

        var answers = await Task.WhenAll(
            app.PostJobAsync("""{"kind":"primes","input":{"limit":10}}"""),
            app.GetAsync(Routes.JobPath(id)),
            app.GetAsync(Routes.JobsPath),
            app.GetAsync(Routes.JobResultPath(id)),
            app.DeleteAsync(Routes.JobPath(id)));

        Assert.All(answers, answer =>
        {
            Assert.Equal(503, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal("Storage unavailable", answer.Json.GetProperty("title").GetString());
            Assert.NotNull(answer.Header("Retry-After"));
        });
        Assert.Null((await app.RawJobsQueue.PeekMessageAsync()).Value);
    }

    /// <summary>The app's real queue, except that every send is refused as an unreachable queue service refuses it.</summary>
    private sealed class SendRefused
    {
        private int _depthReads;
        private int _sendsRefused;

        public int DepthReads => Volatile.Read(ref _depthReads);

        public int SendsRefused => Volatile.Read(ref _sendsRefused);

        public IJobQueue Over(IJobQueue inner) => new Queue(inner, this);

        private sealed class Queue(IJobQueue inner, SendRefused counts) : IJobQueue
        {
            public Task SendAsync(JobMessage message, CancellationToken cancellationToken, TimeSpan delay = default)
            {
                Interlocked.Increment(ref counts._sendsRefused);
                throw new StorageUnavailableException("The queue service refused the connection.", unanswered: false);
            }

            public Task SendStartAsync(JobMessage message, CancellationToken cancellationToken) => SendAsync(message, cancellationToken);

            public Task<int> GetJobsDepthAsync(CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref counts._depthReads);
                return inner.GetJobsDepthAsync(cancellationToken);
            }

            public Task<QueueDepths> GetDepthsAsync(CancellationToken cancellationToken) => inner.GetDepthsAsync(cancellationToken);

            public Task<OldestMessages> PeekOldestAsync(CancellationToken cancellationToken) => inner.PeekOldestAsync(cancellationToken);
        }
    }
}
