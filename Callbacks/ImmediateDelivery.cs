using System.Threading.Channels;
using Functions.Jobs.Callbacks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Callbacks;

/// <summary>
/// Delivers the callbacks of jobs that end on this instance as soon as they end, a few at a time, off the path that
/// ended them. The delivery claims its attempt with a conditional write, so the queue message sent beside it finds
/// nothing due; if this instance dies mid-attempt, the claim expires and recovery sends it again.
/// </summary>
public sealed class ImmediateDelivery(CallbackDeliverer deliverer, ILogger<ImmediateDelivery> logger) : BackgroundService, ICallbackDispatcher
{
    private const int AtOnce = 16;

    // Bounded: past it, a dispatch is dropped and the queue message delivers the callback a little later.
    private readonly Channel<string> _due = Channel.CreateBounded<string>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Dispatch(string jobId) => _due.Writer.TryWrite(jobId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(_due.Reader.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = stoppingToken },
            async (jobId, token) =>
            {
                try
                {
                    await deliverer.DeliverAsync(new CallbackMessage(jobId), token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The claim, if it was written, expires and the queue or recovery delivers the callback.
                    CallbackLog.ImmediateDeliveryFailed(logger, e, jobId);
                }
            });
}
