using Functions.Jobs.Upkeep;
using Functions.Jobs;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>Every hour: purges jobs that finished longer than <c>Jobs__RetentionHours</c> ago.</summary>
public sealed class RetentionFunction(JobRetention retention)
{
    [Function(nameof(PurgeFinishedJobs))]
    public Task PurgeFinishedJobs([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.PurgeAsync(cancellationToken);
}
