using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Functions.Jobs;

/// <summary>
/// Bounds how many submits work on storage at once on this instance: the rest wait in line, in order and without a
/// thread. Storage then answers each write at its usual latency, instead of taking a whole burst at once and timing
/// out on it (congestion collapse). A submit whose wait in line would outlast its turn budget is refused at once,
/// before any write, with a retry time from the rate the line really drains; one whose budget runs out in line is
/// refused the same way. Work already accepted (finishing, progress, reads of the computing side) never waits here.
/// </summary>
public sealed class SubmitLimiter : IDisposable
{
    // Weight of the newest turn in the running mean of a turn's length: about the last 20 turns count.
    private const double Smoothing = 0.05;

    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly int _permits;
    private long _meanTurnTicks;

    public SubmitLimiter(IOptions<JobOptions> options, TimeProvider time)
    {
        _permits = options.Value.MaxConcurrentSubmits;
        _time = time;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _permits,
            QueueLimit = options.Value.MaxWaitingSubmits,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Submits waiting for their turn now.</summary>
    public long Waiting => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>
    /// Waits for a turn, at most <paramref name="budget"/>; throws <see cref="TooBusyException"/> when the turn would
    /// come later or does not come in time, and the caller's own cancellation when it goes away. Dispose the turn
    /// when the submit's storage work is done.
    /// </summary>
    public async ValueTask<IDisposable> EnterAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var ahead = Waiting;
        if (Drain(ahead + 1) is { } predicted && predicted > budget)
            throw Refused(ahead, predicted);

        using var timeout = new CancellationTokenSource(budget, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused(Waiting, Drain(Waiting) ?? budget);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Refused(Waiting, Drain(Waiting) ?? budget);
        }

        return new Turn(this, lease, _time.GetTimestamp());
    }

    /// <summary>How long <paramref name="turns"/> turns take to come, at the pace turns have been ending; null before any has.</summary>
    private TimeSpan? Drain(long turns)
    {
        var mean = Interlocked.Read(ref _meanTurnTicks);
        return mean == 0 ? null : TimeSpan.FromTicks(mean * turns / _permits);
    }

    private TooBusyException Refused(long waiting, TimeSpan drain)
    {
        // Spread the retries over one to two drain times, so the refused do not come back as one burst.
        var retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(drain.TotalSeconds * (1 + Random.Shared.NextDouble()))));
        return new TooBusyException(
            $"{waiting} submits are waiting for storage on this instance; nothing was kept. Try again in {retryAfter.TotalSeconds:0} s.", retryAfter);
    }

    private void Ended(TimeSpan length)
    {
        long seen, next;
        do
        {
            seen = Interlocked.Read(ref _meanTurnTicks);
            next = seen == 0 ? length.Ticks : (long)(seen + (length.Ticks - seen) * Smoothing);
        }
        while (Interlocked.CompareExchange(ref _meanTurnTicks, next, seen) != seen);
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class Turn(SubmitLimiter limiter, RateLimitLease lease, long startedAt) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            limiter.Ended(limiter._time.GetElapsedTime(startedAt));
            lease.Dispose();
        }
    }
}
