using System.Diagnostics;

namespace Functions.Compute.Primes;

/// <summary>The stages of one segment, in the order <see cref="SegmentSieve"/> runs them.</summary>
internal enum SieveStage
{
    /// <summary>Each chunk's start: the first multiple of every sieving prime, and primes joining at p².</summary>
    Setup,
    PreSieve,
    Small,
    Medium,
    Large,
    Count,
}

/// <summary>
/// Stopwatch ticks spent per <see cref="SieveStage"/> by one <see cref="SegmentSieve"/>, for the benchmark's stage
/// profile (the machine offers no hardware counters). Off unless attached: a sieve without it reads no clock.
/// </summary>
/// <param name="clock">
/// The clock in <see cref="Stopwatch"/> ticks: wall time by default; the benchmark passes the thread's CPU time so
/// that time spent descheduled by other load on a shared machine is not charged to a stage.
/// </param>
internal sealed class SieveStageTimes(Func<long>? clock = null)
{
    private readonly Func<long> _clock = clock ?? Stopwatch.GetTimestamp;
    private readonly long[] _ticks = new long[Enum.GetValues<SieveStage>().Length];

    public long Now() => _clock();

    public TimeSpan this[SieveStage stage] => Stopwatch.GetElapsedTime(0, _ticks[(int)stage]);

    public TimeSpan Total => Stopwatch.GetElapsedTime(0, _ticks.Sum());

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="stage"/>; returns now.</summary>
    public long Add(SieveStage stage, long start)
    {
        var now = _clock();
        _ticks[(int)stage] += now - start;
        return now;
    }

    public void Add(SieveStageTimes other)
    {
        for (var i = 0; i < _ticks.Length; i++) _ticks[i] += other._ticks[i];
    }
}
