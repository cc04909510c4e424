using System.Reflection;
using Azure.Core.Pipeline;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

/// <summary>A submit that fails halfway, between or inside its two writes: the job row and the queue message.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class SubmitFaultTests(AzuriteFixture azurite)
{
    private const string Body = """{"kind":"primes","input":{"limit":1000}}""";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RetriedSubmit_FirstAttemptDiedBetweenStoringAndQueueing_SendsTheMessageAndRunsTheJob()
    {
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "crash-" + Guid.NewGuid() };
        await using (var crashed = new FunctionApp(azurite.ConnectionString, addTestServices: services => StoreFault.Register(services, DieAfter)))
        {
            await crashed.ClearQueuesAsync();
            await Assert.ThrowsAsync<ProcessDiedException>(() => crashed.PostJobAsync(Body, headers: key));
        }

        // At once, with the queue never empty: the job is marked not yet sent, so the retry sends its message.
        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.Services.GetRequiredService<IJobQueue>().SendAsync(new JobMessage(JobIds.New()), CancellationToken.None);
        var retried = await app.PostJobAsync(Body, headers: key);

        Assert.Equal(202, retried.Status);
        await AssertCompletesAsync(app, retried.Json.GetProperty("id").GetString()!);
        await app.ClearQueuesAsync();
    }

    [Fact]
    public async Task Recovery_SubmitDiedBetweenStoringAndQueueingWithNoRetry_QueuesTheJobWhateverTheQueueDepth()
    {
        string stranded;
        await using (var crashed = new FunctionApp(azurite.ConnectionString, addTestServices: services => StoreFault.Register(services, DieAfter)))
        {
            await crashed.ClearQueuesAsync();
            await Assert.ThrowsAsync<ProcessDiedException>(() => crashed.PostJobAsync(Body));
            stranded = StoreFault.LastCreated!;
        }

        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.Services.GetRequiredService<IJobQueue>().SendAsync(new JobMessage(JobIds.New()), CancellationToken.None);
        var recovery = app.Services.GetRequiredService<JobRecovery>();
        Assert.DoesNotContain(stranded, await recovery.RequeueStrandedAsync(CancellationToken.None));

        var later = ActivatorUtilities.CreateInstance<JobRecovery>(app.Services, new ShiftedClock(JobRecovery.SubmitWindow + TimeSpan.FromSeconds(1)));
        var requeued = await later.RequeueStrandedAsync(CancellationToken.None);

        Assert.Contains(stranded, requeued);
        var messages = new List<string>();
        while ((await app.RawJobsQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
            messages.AddRange(batch.Select(m => FunctionApp.DecodeAsHost(m.MessageText)));
        Assert.Single(messages, text => text.Contains(stranded));
        // Sent, so no longer marked: a second pass leaves it alone.
        Assert.DoesNotContain(stranded, await later.RequeueStrandedAsync(CancellationToken.None));
        await app.ClearQueuesAsync();
    }

    [Fact]
    public async Task Submit_AnswerOfTheRowWriteLost_TheSdkRetryFindsTheRowAndTheJobIsQueued()
    {
        // The job row is written, but the connection drops before the answer: the SDK retries and is told it exists.
        var write = new LoseFirstAnswer(RequestMethod.Post, "/" + StorageNames.JobsTable);
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton(write.TableClient(azurite.ConnectionString)));

        var answer = await app.PostJobAsync(Body);

        Assert.True(write.Fired);
        Assert.Equal(202, answer.Status);
        await AssertCompletesAsync(app, answer.Json.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Submit_AnswerOfTheSendLostAfterAWorkerTookTheJob_AcceptsTheJobWhichRunsOnce()
    {
        var send = new LoseFirstAnswer(RequestMethod.Post, "/messages");
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton(send.QueueClient(azurite.ConnectionString)));
        await app.ClearQueuesAsync();
        send.BeforeTheError = () => app.PumpOnceAsync();

        var answer = await app.PostJobAsync(Body);

        Assert.True(send.Fired);
        Assert.Equal(202, answer.Status);
        await AssertCompletesAsync(app, answer.Json.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Submit_AnswerOfTheSendLostAndNoWorkerTookIt_AcceptsTheJobWhichRuns()
    {
        var send = new LoseFirstAnswer(RequestMethod.Post, "/messages");
        await using var app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton(send.QueueClient(azurite.ConnectionString)));
        await app.ClearQueuesAsync();

        var answer = await app.PostJobAsync(Body);

        Assert.True(send.Fired);
        Assert.Equal(202, answer.Status);
        // The message did arrive; the job stays marked, so the recovery may send a duplicate, which is harmless.
        await AssertCompletesAsync(app, answer.Json.GetProperty("id").GetString()!);
    }

    private static async Task AssertCompletesAsync(FunctionApp app, string id)
    {
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        var answer = await app.GetAsync(Routes.JobPath(id));
        Assert.Equal(168, answer.Json.GetProperty("result").GetProperty("count").GetInt64());
    }

    private static async Task<string?> DieAfter(Task<string?> create)
    {
        await create;
        throw new ProcessDiedException();
    }

    private sealed class ProcessDiedException() : Exception("The process died right after the job row was stored.");

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }

    /// <summary>The app's store, with a fault placed right after a new job row is written.</summary>
    public class StoreFault : DispatchProxy
    {
        private IJobStore _inner = null!;

        /// <summary>The id of the last job whose row this store was asked to write.</summary>
        public static string? LastCreated { get; private set; }
        private Func<Task<string?>, Task<string?>> _afterCreate = null!;

        public static void Register(IServiceCollection services, Func<Task<string?>, Task<string?>> afterCreate)
        {
            services.AddSingleton<TableJobStore>();
            services.AddSingleton(provider =>
            {
                var store = Create<IJobStore, StoreFault>();
                ((StoreFault)store)._inner = provider.GetRequiredService<TableJobStore>();
                ((StoreFault)store)._afterCreate = afterCreate;
                return store;
            });
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            if (targetMethod.Name != nameof(IJobStore.TryCreateAsync)) return result;
            LastCreated = ((JobRecord)args![0]!).Id;
            return _afterCreate((Task<string?>)result!);
        }
    }

    /// <summary>
    /// The first request of a kind reaches storage and is done there, but its sender hears the connection drop, as
    /// when the answer is lost. Where the client retries (a table write) the retry follows; a queue send is not retried.
    /// </summary>
    private sealed class LoseFirstAnswer(RequestMethod method, string pathEnd) : HttpPipelinePolicy
    {
        private int _seen;

        /// <summary>Runs after storage has done the request and before the sender hears the error.</summary>
        public Func<Task>? BeforeTheError { get; set; }

        /// <summary>Whether an answer was lost.</summary>
        public bool Fired => Volatile.Read(ref _seen) > 0;

        /// <summary>A queue client like the app's (base64, as host.json decodes) that loses the answer outside its retries.</summary>
        public QueueServiceClient QueueClient(string connectionString)
        {
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return new QueueServiceClient(connectionString, options);
        }

        /// <summary>A table client that loses the answer of one attempt, so its retry policy tries again.</summary>
        public TableServiceClient TableClient(string connectionString)
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerRetry);
            return new TableServiceClient(connectionString, options);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method != method || !message.Request.Uri.Path.EndsWith(pathEnd, StringComparison.Ordinal)) return;
            if (Interlocked.Increment(ref _seen) != 1) return;
            if (BeforeTheError is { } before) await before();
            throw new IOException("The connection closed before the answer arrived.");
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The app's clients are used asynchronously.");
    }
}
