using System.Diagnostics;
using Functions.Compute;
using Functions.Jobs.Store;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Run;

/// <summary>
/// Computes a range of a job on the executor. While it computes, it writes its progress, pushes it to this instance's
/// watchers, and stops when the job no longer needs it: canceled here at once through <see cref="JobNotifier"/>, or
/// seen canceled (or answered by an earlier range) in storage at the next progress interval.
/// </summary>
public sealed class RangeComputation(
    IJobRows rows, IJobResults results,
    WriteRetry writeRetry,
    ComputeExecutor executor,
    JobNotifier notifier,
    TimeProvider time,
    IOptions<ComputeOptions> options,
    JobMetrics metrics,
    ILogger<RangeComputation> logger)
{
    /// <summary>Computes range <paramref name="index"/> of a running job and stores its partial; false when it stopped because the job ended.</summary>
    public async Task<bool> ComputeAsync(JobSnapshot snapshot, IComputePlan plan, int index, CancellationToken cancellationToken)
    {
        if (snapshot.Ranges.Any(r => r.Index == index && r.IsDone)) return true;
        if (EarlierRangeEndedSearch(snapshot, index)) return false;

        var (first, end) = snapshot.Job.RangePlan.Bounds(index);
        var range = new RangeRecord(index, first, end, 0);
        var computed = await ComputeAsync(snapshot, plan, range, firstTick: null, cancellationToken);
        if (computed is not { } done) return false;
        var finished = range with { ChunksDone = done.Chunks, IsDone = true, EndsSearch = plan.EndsSearch(done.Partial) };
        await writeRetry.RunAsync(snapshot.Job.Id, () => results.SaveRangeAsync(snapshot.Job.Id, finished, done.Partial, cancellationToken), cancellationToken);
        return true;
    }

    /// <summary>
    /// Computes a queued job that is one range (<paramref name="started"/> holds it as read, with its start time), with no
    /// write before its end: the partial stays in memory. A job still computing at the first progress interval is
    /// marked running then, so callers see it started. Null when it stopped because the job ended; else the partial
    /// and the job as last written.
    /// </summary>
    public async Task<(BinaryData Partial, JobSnapshot Started)?> ComputeWholeAsync(JobSnapshot started, IComputePlan plan, CancellationToken cancellationToken)
    {
        var computed = await ComputeAsync(started, plan, new RangeRecord(0, 0, plan.ChunkCount, 0), async token =>
        {
            var running = started.Job with { Status = JobStatus.Running };
            if (await rows.TryReplaceAsync(running, started.Version, token) is { } version) started = started with { Job = running, Version = version };
        }, cancellationToken);
        return computed is { } done ? (done.Partial, started) : null;
    }

    private async Task<(BinaryData Partial, int Chunks)?> ComputeAsync(
        JobSnapshot snapshot, IComputePlan plan, RangeRecord range, Func<CancellationToken, Task>? firstTick, CancellationToken cancellationToken)
    {
        var job = snapshot.Job;
        using var span = JobTracing.Start("jobs compute", job.Id);
        span?.SetTag("job.range", range.Index);
        span?.SetTag("job.chunks", range.ChunkCount);
        var chunksDone = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var registration = notifier.Running(job.Id, stop);
        var watch = WatchAsync(snapshot, range, () => Volatile.Read(ref chunksDone), firstTick, stop);
        var clock = Stopwatch.StartNew();
        BinaryData?[] partials;
        try
        {
            partials = await executor.ForEachAsync(range.FirstChunk, range.EndChunk, chunk =>
            {
                var partial = plan.ComputeChunk(chunk, stop.Token);
                Interlocked.Increment(ref chunksDone);
                return partial;
            }, plan.EndsSearch, stop.Token, itemCost: plan.ChunkCost);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var now = await rows.GetAsync(job.Id, cancellationToken);
            JobLog.RangeStopped(logger, job.Id, range.Index, now?.Job.Status ?? JobStatus.Canceled);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobLog.AttemptFailed(logger, e, job.Id, range.Index);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await watch;
        }

        var (computed, _) = RangePlan.NeededParts(partials, plan.EndsSearch);
        var reduced = await executor.RunAsync(() => plan.Reduce(computed));
        JobLog.RangeComputed(logger, job.Id, range.Index, computed.Count, clock.ElapsedMilliseconds);
        metrics.RangeComputed(job.Kind, clock.Elapsed);
        return (reduced, computed.Count);
    }

    /// <summary>
    /// While a range computes: writes and pushes its progress, and stops it when the job no longer needs it. Its
    /// storage calls end with the range, so a stalled progress write never holds a finished computation.
    /// </summary>
    private async Task WatchAsync(
        JobSnapshot snapshot, RangeRecord range, Func<int> chunksDone, Func<CancellationToken, Task>? firstTick, CancellationTokenSource stop)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.ProgressIntervalMilliseconds);
        var jobId = snapshot.Job.Id;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stop.Token);
                try
                {
                    if (firstTick is not null) await firstTick(stop.Token);
                    firstTick = null;
                    var progress = range with { ChunksDone = chunksDone() };
                    await results.SaveRangeAsync(jobId, progress, null, stop.Token);
                    var now = await rows.GetAsync(jobId, stop.Token);
                    if (now is null || now.Job.Status.IsFinished() || EarlierRangeEndedSearch(now, range.Index)) await stop.CancelAsync();
                    else notifier.Changed(now with { Ranges = [.. now.Ranges.Where(r => r.Index != range.Index), progress] });
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
    private static bool EarlierRangeEndedSearch(JobSnapshot snapshot, int index) => snapshot.Ranges.Any(r => r.Index < index && r.EndsSearch);
}
