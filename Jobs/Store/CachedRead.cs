namespace Functions.Jobs.Store;

/// <summary>
/// A storage reading that every caller on this instance shares (the queue's depth, the work queued): read at most once
/// per <see cref="Freshness"/>, without any one caller's token, so one caller going away cancels nobody's. While a new
/// reading is on its way callers get the last one, if it is younger than <see cref="Staleness"/>: under load a read
/// can take seconds, and a guard against runaway growth must not make every submit wait for it.
/// </summary>
public sealed class CachedRead<T>(Func<CancellationToken, Task<T>> read, TimeProvider time)
{
    /// <summary>How often the reading is renewed while it is asked for.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    /// <summary>The oldest reading given while a new one is on its way; an older one, or none, makes callers wait for it.</summary>
    public static readonly TimeSpan Staleness = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private (T Value, DateTimeOffset At)? _last;
    private Task<T>? _reading;

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < Freshness) return Task.FromResult(last.Value);
            if (_reading is null || _reading.IsCompleted) _reading = ReadAsync(now);
            if (_last is { } stale && now - stale.At < Staleness) return Task.FromResult(stale.Value);
            return _reading.WaitAsync(cancellationToken);
        }
    }

    private async Task<T> ReadAsync(DateTimeOffset startedAt)
    {
        var value = await read(CancellationToken.None);
        lock (_gate)
        {
            if (_last is not { } last || last.At < startedAt) _last = (value, startedAt);
        }

        return value;
    }
}
