using System.Diagnostics;
using Functions.Jobs.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Submit;

/// <summary>
/// Warms a fresh instance before its first burst: the queues, table and container are made sure of, a connection
/// to each service is opened, and the code of a submit's reads (the queue's depth, the work queued, a job and its
/// send mark) is compiled, so the first requests do not pay for it. Off the start-up path: the host does not wait
/// for it, and a storage failure here only logs (the first submit then tries again).
/// </summary>
public sealed class SubmitWarmup(IJobRows rows, ISendMarks sendMarks, IJobQueue queue, WorkLedgerCache ledger, ILogger<SubmitWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var unknown = JobIds.New();
            await Task.WhenAll(queue.GetJobsDepthAsync(stoppingToken), ledger.ReadAsync(stoppingToken), rows.GetAsync(unknown, stoppingToken), sendMarks.IsSentAsync(unknown, stoppingToken));
            JobLog.WarmedUp(logger, clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is StorageUnavailableException or OperationCanceledException)
        {
            JobLog.WarmupFailed(logger, e);
        }
    }
}
