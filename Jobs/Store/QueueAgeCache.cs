using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Store;

/// <summary>How long the oldest visible message on the jobs queue and on its poison queue had waited when read; zero for an empty queue.</summary>
public sealed record QueueAges(TimeSpan Jobs, TimeSpan Poison);

/// <summary>
/// The queues' ages as this instance last read them (<see cref="IJobQueue.PeekOldestAsync"/>), for the gauge
/// <see cref="JobMetrics.QueueOldestAgeName"/>: storage is read at most once per <see cref="Freshness"/>.
/// </summary>
public sealed class QueueAgeCache(Func<CancellationToken, Task<OldestMessages>> peek, TimeProvider time, ILogger<QueueAgeCache> logger)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private QueueAges? _last;
    private DateTimeOffset? _readStartedAt;
    private Task _reading = Task.CompletedTask;
    private bool _failing;

    /// <summary>The last reading, null before the first or after a failed one; starts the next when it is due.</summary>
    public QueueAges? Observe()
    {
        // A gauge's callback is synchronous, on the exporter's thread: rather than wait there for storage, it reports
        // the last reading and starts the next in the background. Each export so reports the reading the one before it
        // started (an export interval old), and a slow or failing storage holds up no export, nor what shares its thread.
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_reading.IsCompleted && (_readStartedAt is not { } started || now - started >= Freshness))
            {
                _readStartedAt = now;
                _reading = Task.Run(ReadAsync);
            }

            return _last;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            var oldest = await peek(CancellationToken.None);
            var now = time.GetUtcNow();
            lock (_gate)
            {
                _last = new QueueAges(Age(oldest.Jobs, now), Age(oldest.Poison, now));
                _failing = false;
            }
        }
        catch (Exception e)
        {
            bool first;
            lock (_gate)
            {
                _last = null;
                first = !_failing;
                _failing = true;
            }

            if (first) JobLog.QueueAgeUnread(logger, e);
            else JobLog.QueueAgeStillUnread(logger, e);
        }
    }

    private static TimeSpan Age(DateTimeOffset? sentAt, DateTimeOffset now) => sentAt is { } at && now > at ? now - at : TimeSpan.Zero;
}
