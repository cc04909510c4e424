namespace Functions.Compute;

/// <summary>Settings of the compute side, section <c>Compute</c>.</summary>
public sealed class ComputeOptions
{
    public const string Section = "Compute";

    /// <summary>The work one queue invocation takes on; a bigger job fans out into range messages. Keep it well under functionTimeout.</summary>
    public int InvocationBudgetSeconds { get; set; } = 60;

    /// <summary>
    /// How long the work already on the executor may hold a new range back, as a share of the invocation budget: a range
    /// that would wait longer goes back to the queue for a while (for another instance, or a quieter moment), so no
    /// invocation nears functionTimeout. 100 means one budget.
    /// </summary>
    public int MaxDelayPercent { get; set; } = 100;

    /// <summary>Compute threads; 0 means one per core.</summary>
    public int Threads { get; set; }

    /// <summary>How often a running invocation writes its progress and checks for cancellation.</summary>
    public int ProgressIntervalMilliseconds { get; set; } = 1000;

    /// <summary>The compute threads' scheduling priority: <c>idle</c>, <c>low</c> or <c>normal</c>.</summary>
    public ComputePriority Priority { get; set; } = ComputePriority.Idle;

    /// <summary>
    /// Forces the cache sizes the primes kernel is sized for, <c>L1d/L2</c> or <c>L1d/L2/CPUs sharing the L2</c> (such
    /// as <c>32K/512K</c>), instead of reading this machine's: to reproduce a smaller machine's sizing. Read from the
    /// environment when the kernel first sizes itself; empty means read the machine.
    /// </summary>
    public string? CacheSizes { get; set; }

    /// <summary>Registers the test-only kinds (<see cref="FailingKind"/>) for the end-to-end tests; never set in Azure.</summary>
    public bool TestKinds { get; set; }
}
