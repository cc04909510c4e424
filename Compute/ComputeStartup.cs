using Microsoft.Extensions.Hosting;

namespace Functions.Compute;

/// <summary>
/// Creates the executor as the host starts: its threads start, lower their priority and log what they got, and the
/// kernel's tuning reads the cache sizes, before the first request or message rather than on it. Then starts the
/// kinds' cost calibration in the background, without waiting for it.
/// </summary>
internal sealed class ComputeStartup(ComputeExecutor executor, CostCalibration calibration) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The background calibration, once started.</summary>
    public Task Calibration { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = executor.ThreadCount;
        Calibration = Task.Run(() => calibration.RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Calibration.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .WaitAsync(cancellationToken);
    }
}
