using System.Runtime.InteropServices;

namespace Functions.Compute;

/// <summary>The Linux calls that lower the calling thread's CPU priority. Each returns 0, or the errno of the refusal.</summary>
internal static partial class LinuxThreadScheduling
{
    public const int SchedOther = 0;
    public const int SchedIdle = 5;
    public const int LowestNice = 19;

    private const int PrioProcess = 0;

    /// <summary>Moves the calling thread to SCHED_IDLE; unprivileged threads may always lower their own policy.</summary>
    public static int TrySetIdle()
    {
        var param = new SchedParam(0); // SCHED_IDLE takes static priority 0
        return sched_setscheduler(0, SchedIdle, in param) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Sets the calling thread's nice value: on Linux, setpriority on a thread id acts on that thread alone.</summary>
    public static int TrySetNice(int nice) => setpriority(PrioProcess, gettid(), nice) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);

    [LibraryImport("libc")]
    private static partial int gettid();

    private readonly record struct SchedParam(int Priority);
}
