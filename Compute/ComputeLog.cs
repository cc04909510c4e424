using Microsoft.Extensions.Logging;

namespace Functions.Compute;

/// <summary>The compute side's log lines: what the executor's threads run at.</summary>
internal static partial class ComputeLog
{
    [LoggerMessage(LogLevel.Information, "Compute threads: {ThreadCount} at {Priority}")]
    public static partial void ThreadsStarted(ILogger logger, int threadCount, string priority);

    [LoggerMessage(LogLevel.Warning, "Compute priority {Requested} not applied as asked: {Refusal}")]
    public static partial void PriorityRefused(ILogger logger, ComputePriority requested, string refusal);
}
