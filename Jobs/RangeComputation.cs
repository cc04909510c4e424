using System.Diagnostics;
using Functions.Compute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs;

/// <summary>
/// Computes one range of a running job on the executor and stores its partial. While it computes, it writes its
/// progress and stops when the job no longer needs it: canceled here at once through <see cref="JobSignals"/>, or
/// seen canceled (or answered by an earlier range) in storage at the next progress interval.
/// </summary>
public sealed class RangeComputation(
    IJobStore store,
    ComputeExecutor executor,
    JobSignals signals,
    TimeProvider time,
    IOptions<ComputeOptions> options,
    JobMetrics metrics,
    ILogger<RangeComputation> logger)
{
    /// <summary>Computes range <paramref name="index"/> unless it is done already; false when it stopped because the job ended.</summary>
    public async Task<bool> ComputeAsync(JobSnapshot snapshot, IComputePlan plan, int index, CancellationToken cancellationToken)
    {
        var job = snapshot.Job;
        if (snapshot.Ranges.Any(r => r.Index == index && r.IsDone)) return true;
        if (EarlierRangeEndedSearch(snapshot, index)) return false;

        var (first, end) = job.RangePlan.Bounds(index);
        var chunksDone = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var registration = signals.Running(job.Id, stop);
        var watch = WatchAsync(job.Id, new RangeRecord(index, first, end, 0), () => Volatile.Read(ref chunksDone), stop, cancellationToken);
        var clock = Stopwatch.StartNew();
        BinaryData?[] partials;
        try
        {
            partials = await executor.ForEachAsync(first, end, chunk =>
            {
                var partial = plan.ComputeChunk(chunk, stop.Token);
                Interlocked.Increment(ref chunksDone);
                return partial;
            }, plan.EndsSearch, stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var now = await store.GetAsync(job.Id, cancellationToken);
            JobLog.RangeStopped(logger, job.Id, index, now?.Job.Status ?? JobStatus.Canceled);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobLog.AttemptFailed(logger, e, job.Id, index);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await watch;
        }

        var (computed, _) = RangePlan.Decisive(partials, plan.EndsSearch);
        var partial = await executor.RunAsync(() => plan.Reduce(computed));
        await store.SaveRangeAsync(job.Id, new RangeRecord(index, first, end, computed.Count, IsDone: true, plan.EndsSearch(partial)), partial, cancellationToken);
        JobLog.RangeComputed(logger, job.Id, index, computed.Count, clock.ElapsedMilliseconds);
        metrics.RangeComputed(job.Kind, clock.Elapsed);
        return true;
    }

    /// <summary>While a range computes: writes its progress and stops it when the job is no longer running.</summary>
    private async Task WatchAsync(string jobId, RangeRecord range, Func<int> chunksDone, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.ProgressIntervalMilliseconds);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stop.Token);
                try
                {
                    await store.SaveRangeAsync(jobId, range with { ChunksDone = chunksDone() }, null, cancellationToken);
                    var snapshot = await store.GetAsync(jobId, cancellationToken);
                    if (snapshot is null || snapshot.Job.Status != JobStatus.Running || EarlierRangeEndedSearch(snapshot, range.Index)) await stop.CancelAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Progress is advisory: a storage hiccup here must not throw away the range being computed.
                    JobLog.ProgressNotSaved(logger, e, jobId, range.Index);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The range ended, or the job did.
        }
    }

    /// <summary>A search answered by an earlier range needs nothing from this one.</summary>
    internal static bool EarlierRangeEndedSearch(JobSnapshot snapshot, int index) => snapshot.Ranges.Any(r => r.Index < index && r.EndsSearch);
}
