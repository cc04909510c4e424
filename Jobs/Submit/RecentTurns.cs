namespace Functions.Jobs.Submit;

/// <summary>How long the recent turns at storage took: their mean paces the line, the slowest sizes what a turn needs.</summary>
public readonly record struct TurnPace(TimeSpan Mean, TimeSpan Slowest);

/// <summary>The lengths of the last <c>window</c> turns, known once that many have ended.</summary>
public sealed class RecentTurns(int window)
{
    private readonly long[] _ticks = new long[window];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;

    public void Add(TimeSpan length)
    {
        lock (_lock)
        {
            _ticks[_next] = length.Ticks;
            _next = (_next + 1) % _ticks.Length;
            _count = Math.Min(_count + 1, _ticks.Length);
        }
    }

    /// <summary>Null until a whole window of turns has ended.</summary>
    public TurnPace? Pace()
    {
        lock (_lock)
        {
            if (_count < _ticks.Length) return null;
            long sum = 0, slowest = 0;
            foreach (var ticks in _ticks)
            {
                sum += ticks;
                slowest = Math.Max(slowest, ticks);
            }

            return new TurnPace(TimeSpan.FromTicks(sum / _ticks.Length), TimeSpan.FromTicks(slowest));
        }
    }
}
