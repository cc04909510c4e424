using System.Collections.Concurrent;
using Functions.Compute;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.Tests.Compute;

public sealed class ComputePriorityTests
{
    private const int SchedOther = 0;
    private const int SchedIdle = 5;

    [LinuxTheory]
    [InlineData("idle", SchedIdle, null, "SCHED_IDLE")]
    [InlineData("IDLE", SchedIdle, null, "SCHED_IDLE")]
    [InlineData("low", SchedOther, 19, "nice 19")]
    [InlineData(null, SchedIdle, null, "SCHED_IDLE")]
    public async Task AddCompute_Priority_EveryComputeThreadRunsAtItAndOneLineSaysSo(string? setting, int policy, int? nice, string logged)
    {
        var logs = new RecordingLoggerProvider();
        await using var services = Compose(setting, logs);
        var executor = services.GetRequiredService<ComputeExecutor>();

        using var bothThreads = new Barrier(2);
        var stats = await executor.ForEachAsync(0, 2, _ =>
        {
            bothThreads.SignalAndWait(TimeSpan.FromSeconds(30));
            return ThreadStat.Current();
        }, null, CancellationToken.None);

        Assert.Equal(2, stats.Select(s => s!.ThreadId).Distinct().Count());
        Assert.All(stats, s => Assert.Equal(policy, s!.Policy));
        if (nice is not null) Assert.All(stats, s => Assert.Equal(nice, s!.Nice));
        Assert.Equal($"Compute threads: 2 at {logged}", Assert.Single(logs.Messages, m => m.StartsWith("Compute threads", StringComparison.Ordinal)));
        Assert.Single(logs.Messages, m => m.StartsWith("Primes kernel: L1d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddCompute_HostStarts_TheExecutorIsCreatedThenNotOnTheFirstRequest()
    {
        var logs = new RecordingLoggerProvider();
        await using var services = Compose("idle", logs);
        Assert.DoesNotContain(logs.Messages, m => m.StartsWith("Compute threads", StringComparison.Ordinal));

        foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);

        Assert.Single(logs.Messages, m => m.StartsWith("Compute threads", StringComparison.Ordinal));
        Assert.Single(logs.Messages, m => m.StartsWith("Primes kernel: L1d", StringComparison.Ordinal));
    }

    [LinuxFact]
    public async Task AddCompute_PriorityNormal_ThreadsKeepTheStartingThreadsPolicyAndNice()
    {
        var own = await Task.Run(ThreadStat.Current);
        var logs = new RecordingLoggerProvider();
        await using var services = Compose("normal", logs);

        var stat = await services.GetRequiredService<ComputeExecutor>().RunAsync(ThreadStat.Current);

        Assert.Equal((own.Policy, own.Nice), (stat.Policy, stat.Nice));
        Assert.Equal("Compute threads: 2 at normal priority", Assert.Single(logs.Messages, m => m.StartsWith("Compute threads", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("fast", "Compute:Priority")]
    [InlineData("7", "Compute__Priority")]
    public async Task AddCompute_PriorityNotAValue_StartFailsNamingTheSetting(string setting, string named)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Compute:Priority"] = setting });
        builder.Services.AddCompute(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task AddCompute_CacheSizesMalformed_StartFailsNamingTheSetting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Compute:CacheSizes"] = "512K" });
        builder.Services.AddCompute(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Compute__CacheSizes", error.Message);
    }

    [LinuxFact]
    public async Task Executor_SchedIdleRefused_FallsBackToNice19AndSaysSoOnce()
    {
        var logs = new RecordingLoggerProvider();
        var refusesIdle = new ComputeThreadPriority(trySetIdle: () => 1, LinuxThreadScheduling.TrySetNice);
        using var executor = new ComputeExecutor(2, ComputePriority.Idle, logs.CreateLogger("test"), refusesIdle);

        var stat = await executor.RunAsync(ThreadStat.Current);

        Assert.Equal((SchedOther, 19), (stat.Policy, stat.Nice));
        Assert.Equal(
            ["Compute threads: 2 at nice 19", "Compute priority Idle not applied as asked: SCHED_IDLE refused (Operation not permitted, errno 1); nice 19 instead"],
            logs.Messages);
    }

    [LinuxFact]
    public async Task Executor_EveryStepRefused_StaysAtNormalPriorityLogsOnceAndStillWorks()
    {
        var logs = new RecordingLoggerProvider();
        var refusesAll = new ComputeThreadPriority(trySetIdle: () => 1, trySetNice: _ => 13);
        using var executor = new ComputeExecutor(3, ComputePriority.Idle, logs.CreateLogger("test"), refusesAll);

        var results = await executor.ForEachAsync(0, 10, i => (i * i).ToString(), null, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (i * i).ToString()), results);
        Assert.Equal(2, logs.Messages.Count);
        Assert.Equal("Compute threads: 3 at normal priority", logs.Messages.First());
        Assert.Equal(
            "Compute priority Idle not applied as asked: SCHED_IDLE refused (Operation not permitted, errno 1); nice 19 refused (Permission denied, errno 13); left at normal priority",
            logs.Messages.Last());
    }

    [LinuxFact]
    public async Task Executor_Nice19_TasksAreCompletedFromANormalPriorityThread()
    {
        // A thread started by a thread at nice 19 inherits nice 19; completing a task may start a thread-pool thread,
        // so the executor must not complete tasks from its compute threads.
        var own = await Task.Run(ThreadStat.Current);
        using var executor = new ComputeExecutor(1, ComputePriority.Low, NullLogger.Instance);
        using var gate = new ManualResetEventSlim();
        var loop = executor.ForEachAsync(0, 1, _ => { gate.Wait(); return ThreadStat.Current(); }, null, CancellationToken.None);
        var scheduler = new RecordingScheduler();
        var continuation = loop.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, scheduler);

        gate.Set();
        await continuation.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(19, (await loop)[0]!.Nice);
        Assert.Equal(own.Nice, scheduler.QueuedFrom!.Nice);
    }

    private static ServiceProvider Compose(string? priority, ILoggerProvider logs)
    {
        var settings = new Dictionary<string, string?> { ["Compute:Threads"] = "2" };
        if (priority is not null) settings["Compute:Priority"] = priority;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddCompute(configuration)
            .BuildServiceProvider();
    }

    /// <summary>The calling thread's scheduling policy and nice value as the kernel reports them in /proc.</summary>
    private sealed record ThreadStat(int ThreadId, int Policy, int Nice)
    {
        public static ThreadStat Current()
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: field 3 (state) is [0].
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new ThreadStat(int.Parse(stat[..stat.IndexOf(' ')]), Policy: int.Parse(fields[38]), Nice: int.Parse(fields[16]));
        }
    }

    private sealed class RecordingScheduler : TaskScheduler
    {
        public ThreadStat? QueuedFrom { get; private set; }

        protected override void QueueTask(Task task)
        {
            QueuedFrom = ThreadStat.Current();
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => [];
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }

    private const string Reason = "SCHED_IDLE and per-thread nice values are Linux's; elsewhere the executor sets ThreadPriority.";

    private sealed class LinuxFactAttribute : FactAttribute
    {
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = Reason;
        }
    }

    private sealed class LinuxTheoryAttribute : TheoryAttribute
    {
        public LinuxTheoryAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = Reason;
        }
    }
}
