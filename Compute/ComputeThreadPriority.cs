using System.Runtime.InteropServices;

namespace Functions.Compute;

/// <summary>What lowering one thread's priority came to, and why it is not what was asked, if it is not.</summary>
internal readonly record struct PriorityOutcome(string Applied, string? Refusal)
{
    /// <summary>"SCHED_IDLE" when every thread got it; otherwise each outcome with its count, such as "SCHED_IDLE ×1, nice 19 ×1".</summary>
    public static string Summarize(IReadOnlyCollection<PriorityOutcome> outcomes)
    {
        var groups = outcomes.GroupBy(o => o.Applied).ToList();
        return groups.Count == 1 ? groups[0].Key : string.Join(", ", groups.Select(g => $"{g.Key} ×{g.Count()}"));
    }
}

/// <summary>
/// Lowers the calling thread's scheduling priority as <see cref="ComputePriority"/> asks. A refusal never throws: the
/// thread falls back to the next lower step it may take, down to staying as it is, and the outcome says so.
/// </summary>
internal sealed class ComputeThreadPriority(Func<int> trySetIdle, Func<int, int> trySetNice)
{
    public static ComputeThreadPriority Os { get; } = new(LinuxThreadScheduling.TrySetIdle, LinuxThreadScheduling.TrySetNice);

    public PriorityOutcome Apply(ComputePriority priority) => priority switch
    {
        ComputePriority.Normal => new("normal priority", null),
        _ when !OperatingSystem.IsLinux() => ApplyManaged(priority == ComputePriority.Idle ? ThreadPriority.Lowest : ThreadPriority.BelowNormal),
        ComputePriority.Idle => ApplyIdle(),
        ComputePriority.Low => ApplyNice(),
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "Not a compute priority."),
    };

    private PriorityOutcome ApplyIdle()
    {
        var error = trySetIdle();
        if (error == 0) return new("SCHED_IDLE", null);
        var fallback = ApplyNice();
        return fallback with { Refusal = $"SCHED_IDLE refused ({Describe(error)}); " + (fallback.Refusal ?? $"{fallback.Applied} instead") };
    }

    private PriorityOutcome ApplyNice()
    {
        var error = trySetNice(LinuxThreadScheduling.LowestNice);
        return error == 0
            ? new($"nice {LinuxThreadScheduling.LowestNice}", null)
            : new("normal priority", $"nice {LinuxThreadScheduling.LowestNice} refused ({Describe(error)}); left at normal priority");
    }

    private static PriorityOutcome ApplyManaged(ThreadPriority priority)
    {
        try
        {
            Thread.CurrentThread.Priority = priority;
            return new($"ThreadPriority.{priority}", null);
        }
        catch (Exception e) when (e is ThreadStateException or PlatformNotSupportedException)
        {
            return new("normal priority", $"ThreadPriority.{priority} refused ({e.Message}); left at normal priority");
        }
    }

    private static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)}, errno {errno}";
}
