using System.Diagnostics;
using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Health;

/// <summary>
/// Checks that the storage the app depends on answers: the jobs queue (with its depth and the poison queue's) and
/// the jobs table, both through the app's own store and queue. Each check has a short deadline, so a probe gets an
/// answer in seconds even while the SDK would go on retrying an unreachable account.
/// </summary>
public sealed class StorageHealth(IJobQueue queue, IJobRows rows, IOptions<HealthOptions> options, ILogger<StorageHealth> logger)
{
    private readonly TimeSpan _deadline = TimeSpan.FromSeconds(options.Value.DeadlineSeconds);

    // A well-formed id that JobIds.New() will not produce in practice (one chance in 2^128): reading it is a real
    // partition query on the jobs table that finds nothing.
    private const string ProbeJobId = "00000000000000000000000000000000";

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_deadline);

        var depths = CheckAsync("queue", queue.GetDepthsAsync, deadline.Token);
        var table = CheckAsync("table", token => rows.GetAsync(ProbeJobId, token), deadline.Token);
        await Task.WhenAll(depths, table);

        var (queueCheck, queueDepths) = await depths;
        var (tableCheck, _) = await table;
        var healthy = queueCheck.Reachable && tableCheck.Reachable;
        return new HealthReport(healthy ? "healthy" : "unhealthy", queueCheck, tableCheck, queueDepths, clock.ElapsedMilliseconds);
    }

    private async Task<(StorageCheck Check, T? Value)> CheckAsync<T>(string service, Func<CancellationToken, Task<T>> check, CancellationToken deadline)
    {
        try
        {
            return (new StorageCheck(true), await check(deadline));
        }
        catch (Exception e)
        {
            // Whatever failed on the way to storage, the probe's answer is "unhealthy", never a 500.
            HealthLog.Unreachable(logger, e, service);
            return (new StorageCheck(false, Describe(e)), default);
        }
    }

    private string Describe(Exception e) => e switch
    {
        StorageUnavailableException unavailable => unavailable.Message,
        OperationCanceledException or TimeoutException => $"No answer within {_deadline.TotalSeconds:0} s.",
        _ => $"The check failed: {e.GetType().Name}.",
    };
}
