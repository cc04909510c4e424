using Microsoft.Extensions.Hosting;

namespace Functions.Compute;

/// <summary>
/// Creates the executor as the host starts: its threads start, lower their priority and log what they got, and the
/// kernel's tuning reads the cache sizes, before the first request or message rather than on it.
/// </summary>
internal sealed class ComputeStartup(ComputeExecutor executor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(executor.ThreadCount);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
