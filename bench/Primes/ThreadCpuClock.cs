using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Functions.Bench.Primes;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>) in <see cref="Stopwatch"/>
/// ticks, so a stage profile taken while other programs share the cores charges no stage for time spent waiting.
/// Null where the call is not available.
/// </summary>
public static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static Func<long>? Get()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            Now();
            return Now;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static long Now()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0) throw new InvalidOperationException("clock_gettime failed.");
        var nanoseconds = time.Seconds * 1_000_000_000 + time.Nanoseconds;
        return (long)(nanoseconds * (Stopwatch.Frequency / 1e9));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
