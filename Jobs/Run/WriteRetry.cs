using Functions.Compute;
using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Run;

/// <summary>
/// The writes that keep what a computation produced (a range's partial, a result, the finished job): retried through a
/// storage stall until they land, so a short stall does not throw away the work. They give up (and the queue retries
/// the message) after one invocation budget (<c>Compute__InvocationBudgetSeconds</c>) or when the invocation ends: a
/// range and its final writes together stay well within functionTimeout.
/// </summary>
public sealed class WriteRetry(TimeProvider time, IOptions<ComputeOptions> options, ILogger<WriteRetry> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(15);

    public async Task<T> RunAsync<T>(string jobId, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        var giveUp = time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.InvocationBudgetSeconds);
        while (true)
        {
            try
            {
                return await write();
            }
            catch (StorageUnavailableException e) when (!cancellationToken.IsCancellationRequested && time.GetUtcNow() + pause < giveUp)
            {
                JobLog.WriteRetried(logger, e, jobId, pause.TotalSeconds);
                await Task.Delay(pause, time, cancellationToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    public Task RunAsync(string jobId, Func<Task> write, CancellationToken cancellationToken) => RunAsync(jobId, async () =>
    {
        await write();
        return true;
    }, cancellationToken);
}
