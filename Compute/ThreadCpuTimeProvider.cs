using System.Runtime.InteropServices;

namespace Functions.Compute;

/// <summary>
/// Timestamps of the calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): work timed on
/// one thread is charged nothing for the time other programs held its core, as on a shared or busy instance.
/// </summary>
internal sealed partial class ThreadCpuTimeProvider : TimeProvider
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Thread CPU time where the call works, else the system's wall clock.</summary>
    public static TimeProvider OrSystem { get; } = Works() ? new ThreadCpuTimeProvider() : System;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() =>
        clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : throw new InvalidOperationException("clock_gettime failed.");

    private static bool Works()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return clock_gettime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);
}
