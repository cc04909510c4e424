using Functions.Jobs.Run;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The queue face: computes job messages, and ends the jobs of messages the host gave up on.</summary>
public sealed class ComputeFunction(JobRunner runner)
{
    [Function(nameof(Compute))]
    public Task Compute(
        [QueueTrigger(StorageNames.JobsQueue, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken) =>
        runner.RunAsync(message, cancellationToken);

    [Function(nameof(FailPoisoned))]
    public Task FailPoisoned(
        [QueueTrigger(StorageNames.PoisonQueue, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken) =>
        runner.FailPoisonedAsync(message, cancellationToken);
}
