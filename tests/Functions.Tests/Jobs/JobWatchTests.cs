using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Functions.Tests.Jobs;

/// <summary>
/// Waiting callers are not the storage load: shared reads, a budget of reads a second, pushes with no read, a finish
/// elsewhere seen through the work ledger, nothing left behind.
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobWatchTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TickCountingClock _ticks = null!;
    private readonly StoreCalls _reads = new();
    private FunctionApp _app = null!;

    private JobWatch Watch => _app.Services.GetRequiredService<JobWatch>();

    public Task InitializeAsync()
    {
        _ticks = new TickCountingClock(_clock);
        _app = new FunctionApp(azurite.ConnectionString, addTestServices: services =>
        {
            services.AddSingleton<TimeProvider>(_ticks);
            _reads.Register(services);
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ManyWaitersOfOneJob_ShareOneReadPerInterval()
    {
        var job = await QueuedJobAsync();
        using var gone = new CancellationTokenSource();
        var waiters = Enumerable.Range(0, 10).Select(_ => Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(5), null, gone.Token)).ToList();
        await _reads.SettledAsync();
        var firstReads = _reads.Of(nameof(IJobStore.GetAsync));

        await AdvanceAsync(TimeSpan.FromSeconds(10));

        // One shared first read, then the intervals: 0.1, 0.2, 0.4, 0.8 s, then every second: 4 + 8 reads in 10 s.
        Assert.Equal(1, firstReads);
        Assert.InRange(_reads.Of(nameof(IJobStore.GetAsync)) - firstReads, 11, 13);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiters));
    }

    [Fact]
    public async Task FiveHundredWaiters_ReadWithinTheBudgetNotOncePerWaiter()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => QueuedJobAsync()));
        using var gone = new CancellationTokenSource();
        var waiters = jobs.Select(job => Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(5), job, gone.Token)).ToList();
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        var before = _reads.Of(nameof(IJobStore.GetAsync));

        await AdvanceAsync(TimeSpan.FromSeconds(20));

        var perSecond = (_reads.Of(nameof(IJobStore.GetAsync)) - before) / 20.0;
        var budget = new WatchOptions().WatchReadsPerSecond;
        output.WriteLine($"500 waiters on 500 unfinished jobs: {perSecond:0.0} reads/s (budget {budget})");
        // Polling each job every second, as each waiter did before, reads 500 a second.
        Assert.InRange(perSecond, 1, budget * 1.1);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiters));
    }

    [Fact]
    public async Task FiveHundredWaiters_SubmitsWaitingInLine_ReadAtAFifthOfTheBudget()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => QueuedJobAsync()));
        var limiter = _app.Services.GetRequiredService<SubmitLimiter>();
        var turns = new List<IDisposable>();
        for (var i = 0; i < new SubmitOptions().MaxConcurrentSubmits; i++) turns.Add(await limiter.EnterAsync(TimeSpan.FromHours(1), CancellationToken.None));
        using var line = new CancellationTokenSource();
        var waitingSubmit = limiter.EnterAsync(TimeSpan.FromHours(1), line.Token).AsTask();
        using var gone = new CancellationTokenSource();
        var waiters = jobs.Select(job => Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(10), job, gone.Token)).ToList();
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        var before = _reads.Of(nameof(IJobStore.GetAsync));

        // Each job's interval grows to 500 / (50 / 5) = 50 s: two intervals in the window.
        await AdvanceAsync(TimeSpan.FromSeconds(100));

        var perSecond = (_reads.Of(nameof(IJobStore.GetAsync)) - before) / 100.0;
        var budget = new WatchOptions().WatchReadsPerSecond;
        output.WriteLine($"500 waiters, a submit waiting in line: {perSecond:0.0} reads/s (budget {budget})");
        Assert.Equal(1, limiter.Waiting);
        Assert.InRange(perSecond, 1, budget / 5.0 * 1.1);
        await line.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingSubmit);
        turns.ForEach(turn => turn.Dispose());
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiters));
    }

    [Fact]
    public async Task FinishedElsewhere_AmongFiveHundredWatched_IsSeenWithinThreeSecondsByTheLedger()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => QueuedJobAsync()));
        using var gone = new CancellationTokenSource();
        var waiters = jobs.Select(job => Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(5), job, gone.Token)).ToList();
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        var before = _reads.Of(nameof(IJobStore.GetAsync));

        // Another instance finishes one job: its row and listing change, its work leaves the ledger; nothing is pushed here.
        var done = jobs[123];
        var finished = done.Job with { Status = JobStatus.Succeeded, Result = """{"count":0}""", CompletedAt = _clock.GetUtcNow() };
        Assert.NotNull(await _app.Store.TryReplaceAsync(finished, done.Version, CancellationToken.None));
        await AdvanceAsync(TimeSpan.FromSeconds(3));

        // With 500 jobs watched the budget reads each one every 10 s; the ledger brought this one's read forward. The
        // clock stands still now: only a read already made can still complete the wait.
        await FunctionApp.WaitUntilAsync(() => Task.FromResult(waiters[123].IsCompleted), TimeSpan.FromSeconds(10));
        Assert.Equal(JobStatus.Succeeded, (await waiters[123])!.Job.Status);
        var perSecond = (_reads.Of(nameof(IJobStore.GetAsync)) - before) / 3.0;
        Assert.InRange(perSecond, 0, new WatchOptions().WatchReadsPerSecond * 1.1 + 1);
        Assert.All(waiters.Where((_, i) => i != 123), waiter => Assert.False(waiter.IsCompleted));
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waiters.Where((_, i) => i != 123)));
    }

    [Fact]
    public async Task PublishedFinish_WakesTheWaiterWithNoRead()
    {
        var job = await QueuedJobAsync();
        var waiting = Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(5), job, CancellationToken.None);

        Watch.Publish(job with { Job = job.Job with { Status = JobStatus.Succeeded, Result = """{"count":4}""" } });

        Assert.Equal(JobStatus.Succeeded, (await waiting)!.Job.Status);
        Assert.Equal(0, _reads.Of(nameof(IJobStore.GetAsync)));
    }

    [Fact]
    public async Task CallerGoesAway_NothingIsLeftBehind()
    {
        var job = await QueuedJobAsync();
        using var gone = new CancellationTokenSource();
        var waiting = Watch.WaitAsync(job.Job.Id, TimeSpan.FromMinutes(5), job, gone.Token);
        Assert.Equal(1, Watch.WatchedJobs);

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var reads = _reads.Of(nameof(IJobStore.GetAsync));
        await AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, Watch.WatchedJobs);
        Assert.Equal(reads, _reads.Of(nameof(IJobStore.GetAsync)));
    }

    [Fact]
    public async Task WaitEnds_AnswersTheLastStateSeen()
    {
        var job = await QueuedJobAsync();
        var waiting = Watch.WaitAsync(job.Job.Id, TimeSpan.FromSeconds(2), job, CancellationToken.None);

        await AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(JobStatus.Queued, (await waiting)!.Job.Status);
        Assert.Equal(0, Watch.WatchedJobs);
    }

    [Fact]
    public async Task Finished_CancelsTheJobsComputationsHereOnly()
    {
        var signals = _app.Services.GetRequiredService<JobNotifier>();
        var job = await QueuedJobAsync();
        using var mine = new CancellationTokenSource();
        using var other = new CancellationTokenSource();
        using var registered = signals.Running(job.Job.Id, mine);
        using var otherRegistered = signals.Running("other", other);

        signals.Finished(job with { Job = job.Job with { Status = JobStatus.Canceled } });

        Assert.True(mine.IsCancellationRequested);
        Assert.False(other.IsCancellationRequested);
    }

    private async Task<JobSnapshot> QueuedJobAsync()
    {
        var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Queued, _clock.GetUtcNow(), ChunkCount: 1);
        return new JobSnapshot(job, (await _app.Store.TryCreateAsync(job, CancellationToken.None))!, []);
    }

    /// <summary>
    /// Moves the clock in steps of 100 ms. Before each next step, the reads a step started finish and every poller is
    /// back at its next tick: a poller resumes from a read as thread-pool work, and on a busy machine the clock would
    /// otherwise run ahead of the pollers, so that a window of it saw none of their reads.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan span)
    {
        for (var moved = TimeSpan.Zero; moved < span; moved += TimeSpan.FromMilliseconds(100))
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await FunctionApp.WaitUntilAsync(() => Task.FromResult(_reads.InFlight == 0 && _ticks.Armed == Watch.WatchedJobs), TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// The fake clock, counting its armed timers of a second or less: in these tests, exactly the watch's pollers
    /// waiting for their next tick (each waits at most a second; the callers' own waits are longer).
    /// </summary>
    private sealed class TickCountingClock(FakeTimeProvider clock) : TimeProvider
    {
        private int _armed;

        public int Armed => Volatile.Read(ref _armed);

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.FromSeconds(1) || period != Timeout.InfiniteTimeSpan) return clock.CreateTimer(callback, state, dueTime, period);
            var tick = new Tick(this);
            Interlocked.Increment(ref _armed);
            tick.Inner = clock.CreateTimer(s =>
            {
                tick.End();
                callback(s);
            }, state, dueTime, period);
            return tick;
        }

        private sealed class Tick(TickCountingClock owner) : ITimer
        {
            private int _ended;

            public ITimer Inner { get; set; } = null!;

            public void End()
            {
                if (Interlocked.Exchange(ref _ended, 1) == 0) Interlocked.Decrement(ref owner._armed);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

            public void Dispose()
            {
                End();
                Inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                End();
                return Inner.DisposeAsync();
            }
        }
    }
}
