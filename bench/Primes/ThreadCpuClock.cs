using System.Diagnostics;
using Functions.Compute;

namespace Functions.Bench.Primes;

/// <summary>
/// CPU time of the calling thread (the app's <see cref="ThreadCpuTimeProvider"/>) in <see cref="Stopwatch"/> ticks, so
/// a stage profile taken while other programs share the cores charges no stage for time spent waiting. Null where the
/// call is not available.
/// </summary>
public static class ThreadCpuClock
{
    public static Func<long>? Get() => ThreadCpuTimeProvider.OrSystem is ThreadCpuTimeProvider cpu
        ? () => (long)(cpu.GetTimestamp() * ((double)Stopwatch.Frequency / cpu.TimestampFrequency))
        : null;
}
