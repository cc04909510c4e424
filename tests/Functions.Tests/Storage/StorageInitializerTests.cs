using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Storage;

public sealed class StorageInitializerTests
{
    [Fact]
    public async Task Ensure_FirstCallerGoesAway_TheOthersKeepWaitingForTheSharedCreation()
    {
        // Storage that takes connections and never answers: the creation stays in flight until its callers give up.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var storage = Initializer($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", TimeProvider.System, NullLoggerFactory.Instance);
            using var goesAway = new CancellationTokenSource();
            using var stays = new CancellationTokenSource();

            var first = storage.EnsureQueuesAsync(goesAway.Token);
            var second = storage.EnsureQueuesAsync(stays.Token);
            await goesAway.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            Assert.False(second.IsCompleted, "the second caller was canceled along with the first");
            await stays.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Ensure_IdentityRefusedWhileRolesPropagate_TriesAgainUntilStorageLetsItIn()
    {
        await using var storage = await RefusingStorage.StartAsync(refusalsPerQueue: 2);
        var clock = new PausingClock();
        var log = new RecordingLoggerProvider();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(log));

        var created = Initializer(storage.Address, clock, logging).EnsureQueuesAsync(CancellationToken.None);
        await AdvanceUntilDoneAsync(clock, created);

        Assert.True(created.IsCompletedSuccessfully, created.Exception?.ToString());
        Assert.Equal(3, storage.Attempts(StorageNames.JobsQueue));
        Assert.Equal(3, storage.Attempts(StorageNames.PoisonQueue));
        Assert.Equal(2, log.Records.Count(r => r.EventName == "IdentityRefused"));
    }

    [Fact]
    public async Task Ensure_IdentityRefusedForLongerThanRolesTakeToPropagate_GivesUpWithTheRefusal()
    {
        await using var storage = await RefusingStorage.StartAsync(refusalsPerQueue: int.MaxValue);
        var clock = new PausingClock();
        var started = clock.GetUtcNow();

        var created = Initializer(storage.Address, clock, NullLoggerFactory.Instance).EnsureQueuesAsync(CancellationToken.None);
        await AdvanceUntilDoneAsync(clock, created);

        var refusal = await Assert.ThrowsAsync<RequestFailedException>(() => created);
        Assert.Equal(403, refusal.Status);
        // The clock moves only by the pauses, and none is taken that would end past the ten minutes.
        var waited = clock.GetUtcNow() - started;
        Assert.InRange(waited, StorageInitializer.RolePropagation - TimeSpan.FromMinutes(1), StorageInitializer.RolePropagation);
    }

    [Fact]
    public async Task Ensure_FailsForAnotherReason_IsNotTriedAgainUntilNextUse()
    {
        await using var storage = await RefusingStorage.StartAsync(refusalsPerQueue: int.MaxValue, refusal: StatusCodes.Status400BadRequest);

        var initializer = Initializer(storage.Address, new FakeTimeProvider(), NullLoggerFactory.Instance);

        await Assert.ThrowsAsync<RequestFailedException>(() => initializer.EnsureQueuesAsync(CancellationToken.None));
        Assert.Equal(1, storage.Attempts(StorageNames.JobsQueue));
        await Assert.ThrowsAsync<RequestFailedException>(() => initializer.EnsureQueuesAsync(CancellationToken.None));
        Assert.Equal(2, storage.Attempts(StorageNames.JobsQueue));
    }

    private static StorageInitializer Initializer(string endpoint, TimeProvider time, ILoggerFactory logging)
    {
        var account = $"{endpoint}/devstoreaccount1";
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};" +
            $"BlobEndpoint={account};QueueEndpoint={account};TableEndpoint={account};";
        return new StorageInitializer(new QueueServiceClient(connection), new TableServiceClient(connection), new BlobServiceClient(connection),
            Options.Create(new StorageOptions()), time, logging.CreateLogger<StorageInitializer>());
    }

    /// <summary>Each time the creation pauses, moves the fake clock to the pause's end, until the creation ends.</summary>
    private static async Task AdvanceUntilDoneAsync(PausingClock clock, Task creation)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var pause = clock.NextPauseAsync(deadline.Token);
            if (await Task.WhenAny(creation, pause) == creation) return;
            clock.Advance(await pause);
        }
    }

    /// <summary>A fake clock that tells when something waits on it: <c>Task.Delay</c> on a clock starts one of its timers.</summary>
    private sealed class PausingClock : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _pauses = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _pauses.Writer.TryWrite(dueTime);
            return timer;
        }

        /// <summary>The length of the next pause started on this clock, once one has.</summary>
        public Task<TimeSpan> NextPauseAsync(CancellationToken cancellationToken) => _pauses.Reader.ReadAsync(cancellationToken).AsTask();
    }

    /// <summary>
    /// A storage endpoint that refuses to create each queue a number of times (403, as storage answers an identity whose
    /// role assignment has not reached it yet), then creates it: the one thing Azurite cannot be made to do.
    /// </summary>
    private sealed class RefusingStorage : IAsyncDisposable
    {
        private readonly WebApplication _server;
        private readonly Dictionary<string, int> _attempts = [];

        private RefusingStorage(WebApplication server) => _server = server;

        public string Address => _server.Urls.First();

        public static async Task<RefusingStorage> StartAsync(int refusalsPerQueue, int refusal = StatusCodes.Status403Forbidden)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var storage = new RefusingStorage(builder.Build());
            storage._server.Run(async context =>
            {
                var queue = context.Request.Path.Value!.Split('/').Last();
                int attempt;
                lock (storage._attempts) attempt = storage._attempts[queue] = storage._attempts.GetValueOrDefault(queue) + 1;
                if (attempt > refusalsPerQueue)
                {
                    context.Response.StatusCode = StatusCodes.Status201Created;
                    return;
                }

                context.Response.StatusCode = refusal;
                context.Response.Headers["x-ms-error-code"] = "AuthorizationPermissionMismatch";
                context.Response.ContentType = "application/xml";
                await context.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>" +
                    "<Message>This request is not authorized to perform this operation using this permission.</Message></Error>");
            });
            await storage._server.StartAsync();
            return storage;
        }

        public int Attempts(string queue)
        {
            lock (_attempts) return _attempts.GetValueOrDefault(queue);
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
