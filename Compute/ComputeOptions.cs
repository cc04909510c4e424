namespace Functions.Compute;

/// <summary>Settings of the compute side, section <c>Compute</c>.</summary>
public sealed class ComputeOptions
{
    public const string Section = "Compute";

    /// <summary>The work one queue invocation takes on; a bigger job fans out into range messages. Keep it well under functionTimeout.</summary>
    public int InvocationBudgetSeconds { get; set; } = 60;

    /// <summary>Compute threads; 0 means one per core.</summary>
    public int Threads { get; set; }

    /// <summary>How often a running invocation writes its progress and checks for cancellation.</summary>
    public int ProgressIntervalMilliseconds { get; set; } = 1000;
}
