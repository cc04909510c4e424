using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobMetricsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private FunctionApp _app = null!;
    private MeasurementRecorder _recorded = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services.AddSingleton<IComputeKind>(new FaultyKind()));
        _recorded = new MeasurementRecorder(_app.Services.GetRequiredService<IMeterFactory>());
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync()
    {
        _recorded.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SucceededJob_RecordsQueueWait_ComputeTimePerRange_AndOneSucceeded()
    {
        var submit = await _app.PostJobAsync("""{"kind":"primes","input":{"limit":1000000}}""");
        var id = submit.Json.GetProperty("id").GetString()!;

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var job = (await _app.Store.GetAsync(id, CancellationToken.None))!.Job;
        var wait = Assert.Single(_recorded.Of(JobMetrics.QueueWaitName));
        Assert.Equal("primes", wait.Tags[JobMetrics.KindTag]);
        Assert.Equal((job.StartedAt!.Value - job.CreatedAt).TotalSeconds, wait.Value, precision: 3);
        var ranges = _recorded.Of(JobMetrics.RangeComputeName);
        Assert.Equal(job.RangeCount, ranges.Count);
        Assert.All(ranges, range => Assert.Equal("primes", range.Tags[JobMetrics.KindTag]));
        Assert.All(ranges, range => Assert.True(range.Value > 0));
        var finished = Assert.Single(_recorded.Of(JobMetrics.FinishedName));
        Assert.Equal(1, finished.Value);
        Assert.Equal("succeeded", finished.Tags[JobMetrics.StatusTag]);
        Assert.Equal("primes", finished.Tags[JobMetrics.KindTag]);
    }

    [Fact]
    public async Task CanceledTwice_CountsOneCanceled()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":1000000}}""");

        Assert.Equal(200, (await _app.DeleteAsync(Routes.JobPath(id))).Status);
        Assert.Equal(200, (await _app.DeleteAsync(Routes.JobPath(id))).Status);

        var finished = Assert.Single(_recorded.Of(JobMetrics.FinishedName));
        Assert.Equal("canceled", finished.Tags[JobMetrics.StatusTag]);
        Assert.Empty(_recorded.Of(JobMetrics.QueueWaitName));
    }

    [Fact]
    public async Task JobFailingEveryAttempt_CountsOneFailed()
    {
        var id = await _app.SubmitAsync("""{"kind":"faulty","input":{"failures":1000}}""");

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Failed, Deadline);

        var finished = Assert.Single(_recorded.Of(JobMetrics.FinishedName));
        Assert.Equal("failed", finished.Tags[JobMetrics.StatusTag]);
        Assert.Equal("faulty", finished.Tags[JobMetrics.KindTag]);
        Assert.Empty(_recorded.Of(JobMetrics.RangeComputeName));
    }

    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    [Fact]
    public async Task AcceptedSubmit_IsCounted_ItsMessageTimedOnTheQueue_AndTheExecutorObserved()
    {
        var id = await _app.SubmitAsync("""{"kind":"primes","input":{"limit":1000000}}""");
        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, Deadline);

        var submit = Assert.Single(_recorded.Of(JobMetrics.SubmitsName));
        Assert.Equal("accepted", submit.Tags[JobMetrics.OutcomeTag]);
        var waited = Assert.Single(_recorded.Of(JobMetrics.MessageQueueTimeName));
        Assert.InRange(waited.Value, 0, Deadline.TotalSeconds);
        _recorded.Observe();
        Assert.Equal(0, Assert.Single(_recorded.Of(JobMetrics.ExecutorBusyName)).Value);
    }

    [Fact]
    public async Task QueueOldestAge_MessageWaiting_ReportsItsAge_AndTheEmptyPoisonQueueZero()
    {
        await _app.Services.GetRequiredService<IJobQueue>().SendAsync(new JobMessage(JobIds.New()), CancellationToken.None);

        var ages = await QueueAgesAsync(until: ages => ages[StorageNames.JobsQueue] > 0);

        Assert.InRange(ages[StorageNames.JobsQueue], 0, Deadline.TotalSeconds);
        Assert.Equal(0, ages[StorageNames.PoisonQueue]);
    }

    [Fact]
    public async Task QueueOldestAge_EmptyQueues_ReportsZeroForEach()
    {
        var ages = await QueueAgesAsync(until: _ => true);

        Assert.Equal(0, ages[StorageNames.JobsQueue]);
        Assert.Equal(0, ages[StorageNames.PoisonQueue]);
    }

    /// <summary>
    /// Reads the gauges as an exporter does until the queue age gauge reports a reading that satisfies <paramref name="until"/>:
    /// an observation reports the reading the one before it started.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, double>> QueueAgesAsync(Func<IReadOnlyDictionary<string, double>, bool> until)
    {
        var ages = new Dictionary<string, double>();
        await FunctionApp.WaitUntilAsync(() =>
        {
            _recorded.Observe();
            foreach (var age in _recorded.Of(JobMetrics.QueueOldestAgeName)) ages[(string)age.Tags[JobMetrics.QueueTag]!] = age.Value;
            return Task.FromResult(ages.Count == 2 && until(ages));
        }, Deadline);
        return ages;
    }

    /// <summary>Listens to the meter of one app only (its <see cref="IMeterFactory"/>), so tests running beside it cannot add to what it sees.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public MeasurementRecorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == JobMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        /// <summary>Reads the observable instruments now, as an exporter does on its interval.</summary>
        public void Observe() => _listener.RecordObservableInstruments();

        public IReadOnlyList<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
    }
}
