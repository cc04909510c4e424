using Microsoft.Extensions.Hosting;

namespace Functions.Compute;

/// <summary>
/// Creates the executor as the host starts: its threads start, lower their priority and log what they got, and the
/// kernel's tuning reads the cache sizes, before the first request or message rather than on it. Then starts the
/// kinds' cost calibration in the background, without waiting for it, and its later rounds at
/// <see cref="CostCalibration.RecalibrateAfter"/> from the start.
/// </summary>
internal sealed class ComputeStartup(ComputeExecutor executor, CostCalibration calibration, TimeProvider clock) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The first calibration round, once started.</summary>
    public Task Calibration { get; private set; } = Task.CompletedTask;

    /// <summary>The later rounds, once started.</summary>
    public Task Recalibration { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = executor.ThreadCount;
        var started = clock.GetTimestamp();
        Calibration = Task.Run(() => calibration.RunAsync(_stopping.Token), CancellationToken.None);
        Recalibration = RecalibrateAsync(started, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(Calibration, Recalibration)
            .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .WaitAsync(cancellationToken);
    }

    private async Task RecalibrateAsync(long started, CancellationToken cancellationToken)
    {
        await Calibration.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var after in CostCalibration.RecalibrateAfter)
        {
            var wait = after - clock.GetElapsedTime(started);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            await calibration.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
