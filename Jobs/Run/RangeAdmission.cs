using Functions.Compute;
using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Run;

/// <summary>
/// Decides whether this instance takes a range now. The executor shares its threads fairly, so a range computes
/// alongside those already there; when they would hold it back by more than <c>Compute__MaxDelayPercent</c> of the
/// invocation budget, its message goes back on the queue, invisible for about that long, for another instance or a
/// quieter moment. That is a new message, not a failed attempt: the host deletes the one it delivered, and
/// maxDequeueCount counts only failures. A delay under a second is always taken (a hand-back costs more), and after
/// <see cref="MaxDeferrals"/> hand-backs the range is taken anyway.
/// </summary>
public sealed class RangeAdmission(ComputeExecutor executor, IJobQueue queue, IOptions<ComputeOptions> options, ILogger<RangeAdmission> logger)
{
    public const int MaxDeferrals = 10;

    /// <summary>The shortest delay worth a hand-back, and the shortest a handed-back message stays invisible.</summary>
    private static readonly TimeSpan ShortestDeferral = TimeSpan.FromSeconds(1);

    /// <summary>True when the message was handed back; the caller then leaves the work alone.</summary>
    public async Task<bool> DeferIfBusyAsync(JobMessage message, TimeSpan work, CancellationToken cancellationToken)
    {
        var budget = TimeSpan.FromSeconds(options.Value.InvocationBudgetSeconds);
        var delay = executor.EstimateDelay(work);
        var deferrals = message.Deferrals ?? 0;
        var allowed = budget * (options.Value.MaxDelayPercent / 100.0);
        if (delay <= allowed || delay <= ShortestDeferral || deferrals >= MaxDeferrals) return false;

        var invisible = TimeSpan.FromTicks(Math.Clamp(delay.Ticks, ShortestDeferral.Ticks, Math.Max(budget.Ticks, ShortestDeferral.Ticks)));
        await queue.SendAsync(message with { Deferrals = deferrals + 1 }, cancellationToken, invisible);
        JobLog.Deferred(logger, message.JobId, message.Range ?? 0, delay.TotalSeconds, invisible.TotalSeconds);
        return true;
    }
}
