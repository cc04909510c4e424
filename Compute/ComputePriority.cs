namespace Functions.Compute;

/// <summary>
/// How the compute threads stand against the app's other threads (HTTP, queue and storage I/O) for a core.
/// Compute takes every cycle nobody else wants either way; the setting decides who waits when both want one.
/// </summary>
public enum ComputePriority
{
    /// <summary>Linux SCHED_IDLE: a compute thread runs only when a core has nothing else to run (elsewhere ThreadPriority.Lowest).</summary>
    Idle,

    /// <summary>Linux nice 19: compute still gets about 1.5% of a contended core (elsewhere ThreadPriority.BelowNormal).</summary>
    Low,

    /// <summary>Left as started: compute shares each core equally with the request threads.</summary>
    Normal,
}
