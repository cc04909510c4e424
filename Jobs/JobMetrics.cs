using System.Diagnostics.Metrics;
using Functions.Compute;
using Functions.Jobs.Store;

namespace Functions.Jobs;

/// <summary>
/// The job metrics, meter <c>Functions.Jobs</c>: how long jobs wait in the queue, how long each range computes, how
/// many jobs end in each status, and how old the oldest message on each queue is. Tagged with <c>job.kind</c> (and
/// <c>job.status</c>), never the job id, so the number of series stays small; the id is in the log lines.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "Functions.Jobs";
    public const string QueueWaitName = "jobs.queue_wait.duration";
    public const string RangeComputeName = "jobs.range.compute.duration";
    public const string FinishedName = "jobs.finished";
    public const string WorkSubmittedName = "jobs.work.submitted";
    public const string WorkFinishedName = "jobs.work.finished";
    public const string SubmitsName = "jobs.submits";
    public const string MessageQueueTimeName = "jobs.message.queue_time";
    public const string ExecutorBusyName = "jobs.executor.busy_threads";
    public const string QueueOldestAgeName = "jobs.queue.oldest_age";
    public const string OutcomeTag = "outcome";
    public const string KindTag = "job.kind";
    public const string JobIdTag = "job.id";
    public const string StatusTag = "job.status";
    public const string QueueTag = "messaging.destination.name";

    // Seconds, from a quick job (tens of ms) to a range that uses its whole invocation budget (minutes).
    private static readonly IReadOnlyList<double> SecondsBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _rangeCompute;
    private readonly Counter<long> _finished;
    private readonly Counter<double> _workSubmitted;
    private readonly Counter<double> _workFinished;
    private readonly Counter<long> _submits;
    private readonly Histogram<double> _messageQueueTime;

    public JobMetrics(IMeterFactory meters, ComputeExecutor executor, QueueAgeCache queueAges)
    {
        var meter = meters.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _queueWait = meter.CreateHistogram(QueueWaitName, "s", "Time from a job's submission to the start of its computation.", advice: advice);
        _rangeCompute = meter.CreateHistogram(RangeComputeName, "s", "Time one queue invocation spent computing its range of a job on the executor.", advice: advice);
        _finished = meter.CreateCounter<long>(FinishedName, "{job}", "Jobs that reached a final status: succeeded, failed or canceled.");
        _workSubmitted = meter.CreateCounter<double>(WorkSubmittedName, "s", "Core-seconds the accepted jobs are estimated to take: the bill coming.");
        _workFinished = meter.CreateCounter<double>(WorkFinishedName, "s", "Core-seconds estimated for the jobs that reached a final status.");
        _submits = meter.CreateCounter<long>(SubmitsName, "{request}", "Submits by outcome: accepted, refused (nothing kept: too busy, queue full) or ambiguous (storage did not answer).");
        _messageQueueTime = meter.CreateHistogram(MessageQueueTimeName, "s", "Time a job or range message waited on the queue after it became visible.", advice: advice);
        meter.CreateObservableGauge(ExecutorBusyName, () => executor.BusyThreads, "{thread}", $"Compute threads running work now, of {executor.ThreadCount}.");
        // No semantic convention names a queue's age yet: the name is ours, the queue's tag the messaging one.
        meter.CreateObservableGauge(QueueOldestAgeName, () => Measure(queueAges.Observe()), "s", "Age of the oldest visible message on each queue, 0 when it has none, as last read.");
    }

    private static Measurement<double>[] Measure(QueueAges? ages) => ages is null ? [] :
    [
        new(ages.Jobs.TotalSeconds, new KeyValuePair<string, object?>(QueueTag, "jobs")),
        new(ages.Poison.TotalSeconds, new KeyValuePair<string, object?>(QueueTag, "jobs-poison")),
    ];

    public void Started(JobRecord job)
    {
        if (job.StartedAt is { } started)
            _queueWait.Record(Math.Max(0, (started - job.CreatedAt).TotalSeconds), new KeyValuePair<string, object?>(KindTag, job.Kind));
    }

    public void Submit(string outcome) => _submits.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));

    public void MessageWaited(TimeSpan waited) => _messageQueueTime.Record(Math.Max(0, waited.TotalSeconds));

    public void RangeComputed(string kind, TimeSpan elapsed) =>
        _rangeCompute.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(KindTag, kind));

    public void Submitted(JobRecord job)
    {
        if (job.Estimate is { } estimate) _workSubmitted.Add(estimate.CoreSeconds, new KeyValuePair<string, object?>(KindTag, job.Kind));
    }

    public void Finished(JobRecord job)
    {
        _finished.Add(1, new KeyValuePair<string, object?>(KindTag, job.Kind), new KeyValuePair<string, object?>(StatusTag, job.Status.Name()));
        if (job.Estimate is { } estimate)
            _workFinished.Add(estimate.CoreSeconds, new KeyValuePair<string, object?>(KindTag, job.Kind), new KeyValuePair<string, object?>(StatusTag, job.Status.Name()));
    }
}
