using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Submit;

/// <summary>
/// Bounds how many submits work on storage at once on this instance: the rest wait in line, in order and without a
/// thread. Storage then answers each write at its usual latency, instead of taking a whole burst at once and timing
/// out on it (congestion collapse). A submit whose wait in line would outlast its turn budget is refused at once,
/// before any write, and one whose budget runs out in line is refused the same way. Each refused submit is given the
/// next free slot after the line, at the pace turns really end, as its retry time: the refused come back spread out
/// at the rate they can be taken, not as one more burst. Work already accepted (finishing, progress, reads of the
/// computing side) never waits here.
/// </summary>
public sealed class SubmitLimiter : IDisposable
{
    // Weight of the newest turn in the running mean of a turn's length: about the last 20 turns count.
    private const double Smoothing = 0.05;

    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly int _permits;
    private readonly Lock _slots = new();
    private long _meanTurnTicks;
    private DateTimeOffset _nextSlot;

    public SubmitLimiter(IOptions<SubmitOptions> options, TimeProvider time)
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
            throw Refused(ahead, budget);

        using var timeout = new CancellationTokenSource(budget, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused(Waiting, budget);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Refused(Waiting, budget);
        }

        return new Turn(this, lease, _time.GetTimestamp());
    }

    /// <summary>How long <paramref name="turns"/> turns take to come, at the pace turns have been ending; null before any has.</summary>
    private TimeSpan? Drain(long turns)
    {
        var mean = Interlocked.Read(ref _meanTurnTicks);
        return mean == 0 ? null : TimeSpan.FromTicks(mean * turns / _permits);
    }

    /// <summary>A refusal whose retry time is the next free slot after the line; before any turn has ended, the budget.</summary>
    private TooBusyException Refused(long waiting, TimeSpan budget)
    {
        var now = _time.GetUtcNow();
        TimeSpan retryAfter;
        if (Drain(1) is not { } perTurn) retryAfter = budget;
        else
        {
            lock (_slots)
            {
                var lineEnd = now + Drain(waiting)!.Value;
                _nextSlot = (_nextSlot > lineEnd ? _nextSlot : lineEnd) + perTurn;
                retryAfter = _nextSlot - now;
            }
        }

        var seconds = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        return new TooBusyException(
            $"{waiting} submits are waiting for storage on this instance; nothing was kept. Try again in {seconds:0} s.", TimeSpan.FromSeconds(seconds));
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
