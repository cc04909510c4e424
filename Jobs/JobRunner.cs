using System.Diagnostics;
using System.Text.Json;
using Functions.Compute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs;

/// <summary>
/// The compute side of jobs, one queue message at a time. A start message plans the job and fans out range messages
/// when it exceeds one invocation's budget; every range is computed on the executor and its partial stored; whoever
/// stores the last needed partial merges. Every step is safe to repeat, since delivery is at least once.
/// </summary>
public sealed class JobRunner(
    IJobStore store,
    JobQueue queue,
    ComputeKinds kinds,
    ComputeExecutor executor,
    JobSignals signals,
    TimeProvider time,
    IOptions<ComputeOptions> options,
    JobMetrics metrics,
    ILogger<JobRunner> logger)
{
    // Results larger than this go to a blob rather than the job row (a table property holds at most 64 KiB).
    private const int MaxInlineResultChars = 16 * 1024;

    public async Task RunAsync(string messageText, CancellationToken cancellationToken)
    {
        if (!JobMessage.TryParse(messageText, out var message))
        {
            JobLog.MalformedMessage(logger, Truncate(messageText));
            if (JobMessage.FindJobId(messageText) is { } jobId)
                await FailAsync(jobId, new JobError("malformed-message", "The job's queue message could not be read."), cancellationToken);
            return;
        }

        var snapshot = await store.GetAsync(message.JobId, cancellationToken);
        if (snapshot is null)
        {
            JobLog.UnknownJob(logger, message.JobId);
            return;
        }

        if (snapshot.Job.Status.IsFinished())
        {
            JobLog.AlreadyFinished(logger, message.JobId, snapshot.Job.Status);
            return;
        }

        IComputePlan plan;
        try
        {
            plan = Plan(snapshot.Job);
        }
        catch (Exception e) when (e is InvalidInputException or JsonException)
        {
            await FailAsync(message.JobId, new JobError("invalid-input", e.Message), cancellationToken);
            return;
        }

        if (message.Range is null)
        {
            snapshot = await StartAsync(snapshot, plan, cancellationToken);
            if (snapshot is null) return;
        }
        else if (snapshot.Job.Status != JobStatus.Running || message.Range >= snapshot.Job.RangeCount)
        {
            JobLog.RangeNotInPlan(logger, message.JobId, message.Range.Value, snapshot.Job.Status, snapshot.Job.RangeCount);
            return;
        }

        var range = message.Range ?? 0;
        if (await ComputeRangeAsync(snapshot, plan, range, cancellationToken))
            await CompleteIfAllDoneAsync(message.JobId, plan, cancellationToken);
    }

    /// <summary>Ends the job of a message the host gave up on after maxDequeueCount attempts.</summary>
    public async Task FailPoisonedAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.FindJobId(messageText) is not { } jobId)
        {
            JobLog.MalformedMessage(logger, Truncate(messageText));
            return;
        }

        await FailAsync(jobId, new JobError("retries-exhausted", "The computation failed on every attempt and was given up."), cancellationToken);
    }

    private IComputePlan Plan(JobRecord job)
    {
        var kind = kinds.Find(job.Kind) ?? throw new InvalidInputException("kind", $"Unknown kind '{job.Kind}'.");
        using var input = JsonDocument.Parse(job.Input);
        return kind.Plan(input.RootElement);
    }

    private async Task<JobSnapshot?> StartAsync(JobSnapshot snapshot, IComputePlan plan, CancellationToken cancellationToken)
    {
        var rangeCount = RangeCount(plan);
        var started = await store.UpdateAsync(snapshot.Job.Id, job => job.Status == JobStatus.Queued
            ? job with { Status = JobStatus.Running, StartedAt = time.GetUtcNow(), ChunkCount = plan.ChunkCount, RangeCount = rangeCount }
            : null, cancellationToken);
        if (started is null || started.Job.Status != JobStatus.Running) return null;

        JobLog.Started(logger, started.Job.Id, started.Job.ChunkCount, started.Job.RangeCount);
        metrics.Started(started.Job);
        var done = started.Ranges.Where(r => r.IsDone).Select(r => r.Index).ToHashSet();
        for (var range = 1; range < started.Job.RangeCount; range++)
        {
            if (!done.Contains(range)) await queue.SendAsync(new JobMessage(started.Job.Id, range), cancellationToken);
        }

        return started;
    }

    /// <summary>How many invocations the job needs: each takes as many chunks as fit its time budget on all threads.</summary>
    private int RangeCount(IComputePlan plan)
    {
        var budget = TimeSpan.FromSeconds(options.Value.InvocationBudgetSeconds) * executor.ThreadCount;
        var chunksPerRange = Math.Max(1, budget.Ticks / Math.Max(plan.ChunkCost.Ticks, 1));
        return (int)Math.Min(plan.ChunkCount, (plan.ChunkCount + chunksPerRange - 1) / chunksPerRange);
    }

    /// <summary>Computes one range unless it is done already; false when it stopped because the job ended.</summary>
    private async Task<bool> ComputeRangeAsync(JobSnapshot snapshot, IComputePlan plan, int index, CancellationToken cancellationToken)
    {
        var job = snapshot.Job;
        if (snapshot.Ranges.Any(r => r.Index == index && r.IsDone)) return true;
        if (EarlierRangeEndedSearch(snapshot, index)) return false;

        var (first, end) = RangeBounds(job, index);
        var chunksDone = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var registration = signals.Running(job.Id, stop);
        var watch = WatchAsync(job.Id, index, first, end, () => Volatile.Read(ref chunksDone), stop, cancellationToken);
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

        var computed = partials.TakeWhile(p => p is not null).Cast<BinaryData>().ToList();
        var partial = await executor.RunAsync(() => plan.Reduce(computed));
        await store.SaveRangeAsync(job.Id, new RangeRecord(index, first, end, computed.Count, IsDone: true, plan.EndsSearch(partial)), partial, cancellationToken);
        JobLog.RangeComputed(logger, job.Id, index, computed.Count, clock.ElapsedMilliseconds);
        metrics.RangeComputed(job.Kind, clock.Elapsed);
        return true;
    }

    /// <summary>While a range computes: writes its progress and stops it when the job is no longer running.</summary>
    private async Task WatchAsync(string jobId, int index, int first, int end, Func<int> chunksDone, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.ProgressIntervalMilliseconds);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stop.Token);
                try
                {
                    await store.SaveRangeAsync(jobId, new RangeRecord(index, first, end, chunksDone()), null, cancellationToken);
                    var snapshot = await store.GetAsync(jobId, cancellationToken);
                    if (snapshot is null || snapshot.Job.Status != JobStatus.Running || EarlierRangeEndedSearch(snapshot, index)) await stop.CancelAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Progress is advisory: a storage hiccup here must not throw away the range being computed.
                    JobLog.ProgressNotSaved(logger, e, jobId, index);
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

    private static (int First, int End) RangeBounds(JobRecord job, int index)
    {
        var perRange = (job.ChunkCount + job.RangeCount - 1) / job.RangeCount;
        return (index * perRange, Math.Min(job.ChunkCount, (index + 1) * perRange));
    }

    /// <summary>
    /// Merges when every range the answer needs is done. Two invocations may both get here; the conditional write
    /// lets exactly one of them finish the job, and the other finds it finished.
    /// </summary>
    private async Task CompleteIfAllDoneAsync(string jobId, IComputePlan plan, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await store.GetAsync(jobId, cancellationToken);
            if (snapshot is null || snapshot.Job.Status != JobStatus.Running) return;
            var needed = await NeededPartialsAsync(snapshot, cancellationToken);
            if (needed is null) return;

            var output = await executor.RunAsync(() => plan.Complete(plan.Reduce(needed)));
            var job = await WithResultAsync(snapshot.Job, output, cancellationToken);
            if (await store.TryReplaceAsync(job, snapshot.Version, cancellationToken) is not null)
            {
                JobLog.Finished(logger, jobId, JobStatus.Succeeded);
                metrics.Finished(job.Kind, JobStatus.Succeeded);
                signals.Finished(jobId);
                return;
            }
        }
    }

    /// <summary>The partials of ranges 0..k in order, where k is the last range or the first that ends a search; null while one is missing.</summary>
    private async Task<List<BinaryData>?> NeededPartialsAsync(JobSnapshot snapshot, CancellationToken cancellationToken)
    {
        var done = snapshot.Ranges.Where(r => r.IsDone).ToDictionary(r => r.Index);
        var needed = new List<RangeRecord>();
        for (var index = 0; index < snapshot.Job.RangeCount; index++)
        {
            if (!done.TryGetValue(index, out var range)) return null;
            needed.Add(range);
            if (range.EndsSearch) break;
        }

        var partials = new List<BinaryData>(needed.Count);
        foreach (var range in needed) partials.Add(await store.ReadPartialAsync(snapshot.Job.Id, range, cancellationToken));
        return partials;
    }

    private async Task<JobRecord> WithResultAsync(JobRecord job, ComputeOutput output, CancellationToken cancellationToken)
    {
        var json = output.Value.GetRawText();
        string? blob = null;
        string? contentType = null;
        if (output.Content is { } content)
        {
            contentType = output.ContentType ?? "application/octet-stream";
            blob = await store.SaveResultAsync(job.Id, content, contentType, cancellationToken);
        }
        else if (json.Length > MaxInlineResultChars)
        {
            contentType = "application/json";
            blob = await store.SaveResultAsync(job.Id, BinaryData.FromString(json), contentType, cancellationToken);
            json = null;
        }

        return job with
        {
            Status = JobStatus.Succeeded,
            CompletedAt = time.GetUtcNow(),
            Result = json,
            ResultBlob = blob,
            ResultContentType = contentType,
        };
    }

    private async Task FailAsync(string jobId, JobError error, CancellationToken cancellationToken)
    {
        var failedNow = false;
        var failed = await store.UpdateAsync(jobId, job =>
        {
            failedNow = !job.Status.IsFinished();
            return failedNow ? job with { Status = JobStatus.Failed, CompletedAt = time.GetUtcNow(), Error = error } : null;
        }, cancellationToken);
        if (!failedNow || failed is null) return;
        JobLog.Failed(logger, jobId, error.Code, error.Message);
        metrics.Finished(failed.Job.Kind, JobStatus.Failed);
        signals.Finished(jobId);
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
