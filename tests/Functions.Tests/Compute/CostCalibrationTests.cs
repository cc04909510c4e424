using System.Text.Json;
using System.Threading.Channels;
using Functions.Compute;
using Functions.Compute.HashSearch;
using Functions.Compute.Mandelbrot;
using Functions.Compute.Primes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Compute;

/// <summary>
/// Each kind is priced in this instance's core-seconds: a short run of its own work at start sets a factor that scales
/// its estimates, without holding up the host's start or any request.
/// </summary>
public sealed class CostCalibrationTests
{
    private static readonly JsonElement NoInput = JsonSerializer.SerializeToElement(new { });

    [Fact]
    public async Task RunAsync_SlowerThanModelled_ScalesEstimatesChunkCostAndDescription()
    {
        var time = new FakeTimeProvider();
        var kind = new TimedKind("slow", time, chunkTakes: TimeSpan.FromMilliseconds(300));
        var calibrations = new KindCalibrations();
        var logs = new RecordingLoggerProvider();

        await Calibrate([kind], calibrations, time, logs.CreateLogger("test"));

        var priced = new ComputeKinds([kind], calibrations).Find("slow")!;
        var plan = priced.Plan(NoInput);
        Assert.Equal(new KindCalibration(3, CalibrationStatus.Measured), priced.Description.Calibration);
        Assert.Equal(new WorkEstimate(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6)), plan.Estimate);
        Assert.Equal(TimeSpan.FromMilliseconds(300), plan.ChunkCost);
        Assert.Equal(TimedKind.Chunks, plan.ChunkCount);
        var logged = Assert.Single(logs.Records, r => r.EventName == "Calibrated");
        Assert.Equal(("slow", 3.0), ((string)logged.Properties["Kind"]!, (double)logged.Properties["Factor"]!));
    }

    [Fact]
    public async Task RunAsync_SlowerThanModelled_BudgetAndCapStayInThisInstancesCoreSeconds()
    {
        var time = new FakeTimeProvider();
        var kind = new TimedKind("slow", time, chunkTakes: TimeSpan.FromMilliseconds(300));
        var calibrations = new KindCalibrations();
        await Calibrate([kind], calibrations, time);
        var priced = new ComputeKinds([kind], calibrations).Find("slow")!;

        // 1 s of modelled work is 3 s here: a 2 s cap refuses it, as it would run over it.
        Assert.True(priced.Plan(NoInput, TimeSpan.FromSeconds(2)).Estimate.Expected > TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), kind.LastBudget);
    }

    [Theory]
    [InlineData(20, 0.5)]
    [InlineData(100, 1.0)]
    [InlineData(1000, 4.0)]
    public async Task RunAsync_MeasuredTime_SetsFactorWithinItsBounds(int chunkMilliseconds, double factor)
    {
        var time = new FakeTimeProvider();
        var calibrations = new KindCalibrations();

        await Calibrate([new TimedKind("k", time, TimeSpan.FromMilliseconds(chunkMilliseconds))], calibrations, time);

        Assert.Equal(new KindCalibration(factor, CalibrationStatus.Measured), calibrations.For("k"));
    }

    [Fact]
    public async Task RunAsync_RunsSlowedUnevenly_FactorFromTheFastest()
    {
        var time = new FakeTimeProvider();
        var calibrations = new KindCalibrations();
        var kind = new TimedKind("k", time, Milliseconds(300), Milliseconds(190), Milliseconds(100), Milliseconds(130));

        await Calibrate([kind], calibrations, time);

        Assert.Equal(new KindCalibration(1.0, CalibrationStatus.Measured), calibrations.For("k"));
        Assert.Equal(1 + CostCalibration.TimedRuns, kind.Runs);
    }

    [Fact]
    public async Task Start_LaterRounds_RunAtTheirTimesAndOnlyLowerTheFactor()
    {
        var threadTime = new FakeTimeProvider();
        var clock = new WatchedClock();
        // The first round's runs all slowed (a load that outlasts it), the second's not, the others slowed again.
        var kind = new TimedKind("k", threadTime, [.. Enumerable.Repeat(Milliseconds(190), 4), .. Enumerable.Repeat(Milliseconds(100), 4), Milliseconds(130)]);
        var calibrations = new KindCalibrations();
        var logs = new RecordingLoggerProvider();
        using var executor = new ComputeExecutor(1);
        var startup = new ComputeStartup(executor, new CostCalibration([kind], calibrations, executor, threadTime, logs.CreateLogger("test")), clock);

        await startup.StartAsync(CancellationToken.None);
        await startup.Calibration;
        var afterFirstRound = calibrations.For("k");
        var firstWait = await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        clock.Advance(firstWait - TimeSpan.FromTicks(1));
        var runsJustBeforeTheSecondRound = kind.Runs;
        clock.Advance(TimeSpan.FromHours(1));
        await startup.Recalibration;
        await startup.StopAsync(CancellationToken.None);

        Assert.Equal(new KindCalibration(1.9, CalibrationStatus.Measured), afterFirstRound);
        Assert.Equal(CostCalibration.RecalibrateAfter[0], firstWait);
        Assert.Equal(1 + CostCalibration.TimedRuns, runsJustBeforeTheSecondRound);
        Assert.Equal((1 + CostCalibration.RecalibrateAfter.Count) * (1 + CostCalibration.TimedRuns), kind.Runs);
        Assert.Equal(new KindCalibration(1.0, CalibrationStatus.Measured), calibrations.For("k"));
        Assert.Equal([1.9, 1.0], logs.Records.Where(r => r.EventName == "Calibrated").Select(r => Math.Round((double)r.Properties["Factor"]!, 3)));
        Assert.Equal(CostCalibration.RecalibrateAfter.Count - 1, logs.Records.Count(r => r.EventName == "CalibrationKept"));
    }

    [Fact]
    public async Task RunAsync_CalibrationThrows_FactorOneMarkedFailedAndTheNextKindStillCalibrated()
    {
        var time = new FakeTimeProvider();
        var calibrations = new KindCalibrations();
        var logs = new RecordingLoggerProvider();
        var failing = new TimedKind("failing", time, TimeSpan.FromMilliseconds(100)) { Fails = true };

        await Calibrate([failing, new TimedKind("next", time, TimeSpan.FromMilliseconds(200))], calibrations, time, logs.CreateLogger("test"));

        Assert.Equal(new KindCalibration(1, CalibrationStatus.Failed), calibrations.For("failing"));
        Assert.Equal(2, calibrations.For("next").Factor);
        Assert.Equal(TimeSpan.FromSeconds(1), new ComputeKinds([failing], calibrations).Find("failing")!.Plan(NoInput).Estimate.Expected);
        Assert.Single(logs.Records, r => r.EventName == "CalibrationFailed" && r.Exception is InvalidOperationException);
    }

    [Fact]
    public void ComputeKinds_BeforeCalibration_PricesByTheModelAsItStands()
    {
        var kind = new PrimesKind();
        var input = JsonSerializer.SerializeToElement(new { limit = 10_000_000_000 });

        var priced = new ComputeKinds([kind], new KindCalibrations()).Find("primes")!;

        Assert.Equal(KindCalibration.Pending, priced.Description.Calibration);
        Assert.Equal(kind.Plan(input).Estimate, priced.Plan(input).Estimate);
        Assert.Null(kind.Description.Calibration);
    }

    [Fact]
    public async Task HostStart_CalibrationStillRunning_StartsAtOnceAndPricesAtFactorOneUntilItEnds()
    {
        using var gate = new ManualResetEventSlim();
        var kind = new TimedKind("gated", TimeProvider.System, TimeSpan.Zero) { Gate = gate };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddCompute(builder.Configuration);
        builder.Services.AddSingleton<IComputeKind>(kind);
        using var host = builder.Build();
        var kinds = host.Services.GetRequiredService<ComputeKinds>();

        await host.StartAsync();
        var pricedWhileCalibrating = kinds.Find("gated")!.Plan(NoInput).Estimate;
        var statusWhileCalibrating = kinds.Find("gated")!.Description.Calibration!.Status;
        gate.Set();
        await host.Services.GetRequiredService<ComputeStartup>().Calibration.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(CalibrationStatus.Pending, statusWhileCalibrating);
        Assert.Equal(TimeSpan.FromSeconds(1), pricedWhileCalibrating.Expected);
        Assert.All(kinds.All, k => Assert.Equal(CalibrationStatus.Measured, k.Description.Calibration!.Status));
        await host.StopAsync();
    }

    [Fact]
    public void FirstChunksOf_ChunksOfAKnownCost_TakesAboutATenthOfASecondPricedAtTheirCost()
    {
        var work = CalibrationWork.FirstChunksOf(new TimedKind("k", TimeProvider.System, TimeSpan.Zero), NoInput);

        Assert.Equal((0, 1, TimeSpan.FromMilliseconds(100)), (work.FirstChunk, work.EndChunk, work.Modelled));
    }

    [Fact]
    public void Calibration_AppKinds_WorkWellUnderASecondInAll()
    {
        IComputeKind[] kinds = [new PrimesKind(), new MandelbrotKind(), new HashSearchKind()];

        var works = kinds.Select(k => k.Calibration()).ToList();

        Assert.All(works, w => Assert.InRange(w.Modelled, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(150)));
        Assert.All(works, w => Assert.InRange(w.EndChunk, w.FirstChunk + 1, w.Plan.ChunkCount));
        Assert.True(works.Sum(w => w.Modelled.TotalSeconds) < 0.35);
    }

    [Fact]
    public void Calibration_Primes_TopFullChunkOf1e11AtItsExpectedCostWithoutTheMargin()
    {
        var work = new PrimesKind().Calibration();

        Assert.Equal(work.Plan.ChunkCount - 2, work.FirstChunk);
        Assert.Equal(work.Plan.ChunkCost.TotalSeconds / 1.25, work.Modelled.TotalSeconds, 0.005);
    }

    private static Task Calibrate(IEnumerable<IComputeKind> kinds, KindCalibrations calibrations, TimeProvider time, ILogger? logger = null)
    {
        var executor = new ComputeExecutor(1);
        return new CostCalibration(kinds, calibrations, executor, time, logger ?? NullLogger.Instance).RunAsync(CancellationToken.None)
            .ContinueWith(t => { executor.Dispose(); t.GetAwaiter().GetResult(); }, TaskScheduler.Default);
    }

    private static TimeSpan Milliseconds(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>A fake clock that reports each timer's due time as it is created: a wait has begun.</summary>
    private sealed class WatchedClock : FakeTimeProvider
    {
        public Channel<TimeSpan> Timers { get; } = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Timers.Writer.TryWrite(dueTime);
            return timer;
        }
    }

    /// <summary>
    /// A kind of <see cref="Chunks"/> chunks modelled at 0.1 s each whose chunks take <paramref name="chunkTakes"/> of
    /// <paramref name="time"/>, one after another, the last for all that follow; it may fail its calibration, or hold
    /// it until a gate opens.
    /// </summary>
    private sealed class TimedKind(string name, TimeProvider time, params TimeSpan[] chunkTakes) : IComputeKind
    {
        public const int Chunks = 10;

        public bool Fails { get; init; }

        public ManualResetEventSlim? Gate { get; init; }

        public TimeSpan? LastBudget { get; private set; }

        /// <summary>Chunks run so far; a calibration run is one chunk.</summary>
        public int Runs { get; private set; }

        /// <summary>What a chunk takes: the gate, then the fake clock moved on.</summary>
        public void RunChunk(CancellationToken cancellationToken)
        {
            Gate?.Wait(cancellationToken);
            (time as FakeTimeProvider)?.Advance(chunkTakes[Math.Min(Runs++, chunkTakes.Length - 1)]);
        }

        public string Name => name;

        public KindDescription Description => new(name, "test", [new InputField("n", "integer", "n")], new { }, "test", "n");

        public IComputePlan Plan(JsonElement input) => new TimedPlan(this);

        public IComputePlan Plan(JsonElement input, TimeSpan budget)
        {
            LastBudget = budget;
            return Plan(input);
        }

        public CalibrationWork Calibration() =>
            Fails ? throw new InvalidOperationException("no calibration") : new CalibrationWork(Plan(NoInput), 0, 1, TimeSpan.FromMilliseconds(100));

        private sealed class TimedPlan(TimedKind kind) : ComputePlan<int>
        {
            public override int ChunkCount => Chunks;

            public override TimeSpan ChunkCost => TimeSpan.FromMilliseconds(100);

            public override WorkEstimate Estimate => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

            public override int Compute(int index, CancellationToken cancellationToken)
            {
                kind.RunChunk(cancellationToken);
                return index;
            }

            public override int Combine(int earlier, int later) => earlier + later;

            public override ComputeOutput Complete(int partial) => ComputeOutput.Json(new { partial });
        }
    }
}
