using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Submit;

/// <summary>
/// Bounds how many submits work on storage at once on this instance: the rest wait in line, in order and without a
/// thread, so storage answers each write at its usual latency instead of timing out on a whole burst (congestion
/// collapse). A submit may wait for its deadline less what a turn needs, so a write the line lets through is not cut
/// short; one whose wait would outlast that is refused at once, before any write, as is one whose time runs out in
/// line. Each refusal is given the next free slot after the served part of the line as its retry time, the slots at
/// twice the pace turns end: the line drains slowest during the burst that refuses them, and a slot too early costs a
/// wait in line or a second refusal, never a write. Until a window of turns has ended (a fresh instance's first, slow
/// ones) nothing is predicted: submits wait in line rather than being refused on a guess. Work already accepted
/// (finishing, progress, reads of the computing side) never waits here.
/// </summary>
public sealed class SubmitLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly int _permits;
    private readonly RecentTurns _turns;
    private readonly Lock _slots = new();
    private DateTimeOffset _nextSlot;

    public SubmitLimiter(IOptions<SubmitOptions> options, TimeProvider time)
    {
        _permits = options.Value.MaxConcurrentSubmits;
        _time = time;
        _turns = new RecentTurns(Math.Max(2 * _permits, 8));
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
    /// Waits for a turn whose storage work must end within <paramref name="deadline"/>; throws
    /// <see cref="TooBusyException"/> when the turn would come too late for that, or does not come in time, and the
    /// caller's own cancellation when it goes away. Dispose the turn when the submit's storage work is done.
    /// </summary>
    public async ValueTask<IDisposable> EnterAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var pace = _turns.Pace();
        var budget = LineBudget(deadline, pace);
        var ahead = Waiting;
        if (pace is { } known && Drain(known, ahead + 1) > budget)
            throw Refused(ahead, budget, known);

        using var timeout = new CancellationTokenSource(budget, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused(Waiting, budget, _turns.Pace());
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Refused(Waiting, budget, _turns.Pace());
        }

        return new Turn(this, lease, _time.GetTimestamp());
    }

    /// <summary>
    /// The deadline less what a turn needs: twice the slowest recent turn, within 30% to 50% of the deadline. The
    /// floor is for the time a request spends before it reaches the app (the host's proxy, a busy CPU), which the
    /// caller's clock counts and this one cannot see.
    /// </summary>
    private static TimeSpan LineBudget(TimeSpan deadline, TurnPace? pace)
    {
        var reserve = pace is { } known
            ? TimeSpan.FromTicks(Math.Clamp(2 * known.Slowest.Ticks, deadline.Ticks * 3 / 10, deadline.Ticks / 2))
            : deadline / 2;
        return deadline - reserve;
    }

    /// <summary>How long <paramref name="turns"/> turns take to come, at the pace turns have been ending.</summary>
    private TimeSpan Drain(TurnPace pace, long turns) => TimeSpan.FromTicks(pace.Mean.Ticks * turns / _permits);

    /// <summary>
    /// A refusal whose retry time is the next free slot after the line; while the pace is unknown, the budget. Only the
    /// part of the line that its budget lets through counts: those behind it will be refused too, each given a slot.
    /// </summary>
    private TooBusyException Refused(long waiting, TimeSpan budget, TurnPace? known)
    {
        var now = _time.GetUtcNow();
        TimeSpan retryAfter;
        if (known is not { } pace) retryAfter = budget;
        else
        {
            lock (_slots)
            {
                var lineEnd = now + TimeSpan.FromTicks(Math.Min(Drain(pace, waiting).Ticks, budget.Ticks));
                _nextSlot = (_nextSlot > lineEnd ? _nextSlot : lineEnd) + Drain(pace, 1) / 2;
                retryAfter = _nextSlot - now;
            }
        }

        var seconds = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        return new TooBusyException(
            $"{waiting} submits are waiting for storage on this instance; nothing was kept. Try again in {seconds:0} s.", TimeSpan.FromSeconds(seconds));
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class Turn(SubmitLimiter limiter, RateLimitLease lease, long startedAt) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            limiter._turns.Add(limiter._time.GetElapsedTime(startedAt));
            lease.Dispose();
        }
    }
}
