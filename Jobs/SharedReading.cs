namespace Functions.Jobs;

/// <summary>
/// A storage reading that every caller on this instance shares for a while (the queue's depth, the work queued): read at
/// most once per <see cref="Freshness"/>, without any one caller's token, so one caller going away cancels nobody's.
/// </summary>
public sealed class SharedReading<T>(Func<CancellationToken, Task<T>> read, TimeProvider time)
{
    /// <summary>How stale a reading may be; backpressure is a guard against runaway growth, not an exact count.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private (Task<T> Read, DateTimeOffset At)? _last;

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> current;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_last is not { } last || last.Read.IsFaulted || last.Read.IsCanceled || now - last.At >= Freshness)
                _last = last = (read(CancellationToken.None), now);
            current = last.Read;
        }

        return current.WaitAsync(cancellationToken);
    }
}
