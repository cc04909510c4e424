using Functions.Compute;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Run;

/// <summary>
/// Ends jobs. A job succeeds once every range its answer needs is done: the partials are merged on the executor, the
/// result stored where it fits, and the job row written finished, conditionally, so that of several invocations
/// getting there at once exactly one finishes it. A job fails when its messages cannot be computed.
/// </summary>
public sealed class JobCompletion(
    IJobRows rows, IJobResults results,
    WriteRetry writeRetry,
    ComputeExecutor executor,
    JobNotifier notifier,
    CallbackEnqueuer callbacks,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<JobCompletion> logger)
{
    /// <summary>Merges and finishes the job when every range the answer needs is done; otherwise leaves it to the last range.</summary>
    public async Task CompleteIfAllDoneAsync(string jobId, IComputePlan plan, CancellationToken cancellationToken)
    {
        while (await rows.GetAsync(jobId, cancellationToken) is { Job.Status: JobStatus.Running } snapshot)
        {
            var byIndex = new RangeRecord?[snapshot.Job.RangeCount];
            foreach (var range in snapshot.Ranges.Where(r => r.IsDone && r.Index < byIndex.Length)) byIndex[range.Index] = range;
            var (needed, complete) = RangePlan.NeededParts(byIndex, range => range.EndsSearch);
            if (!complete) return;

            var partials = new List<BinaryData>(needed.Count);
            foreach (var range in needed) partials.Add(await results.ReadPartialAsync(jobId, range, cancellationToken));
            if (await TryFinishAsync(snapshot, await StoreResultAsync(snapshot.Job, plan, partials, cancellationToken), cancellationToken)) return;
        }
    }

    /// <summary>
    /// Finishes a job computed whole in one invocation from its partial in memory: one conditional write from the state
    /// the computation started from, reading the job again only when that write loses.
    /// </summary>
    public async Task CompleteAsync(JobSnapshot known, IComputePlan plan, BinaryData partial, CancellationToken cancellationToken)
    {
        var result = await StoreResultAsync(known.Job, plan, [partial], cancellationToken);
        while (!await TryFinishAsync(known, result, cancellationToken))
        {
            if (await writeRetry.RunAsync(known.Job.Id, () => rows.GetAsync(known.Job.Id, cancellationToken), cancellationToken) is not { } now
                || now.Job.Status.IsFinished())
                return;
            known = now;
        }
    }

    /// <summary>Fails the job unless it has finished already.</summary>
    public async Task FailAsync(string jobId, JobError error, CancellationToken cancellationToken)
    {
        var failedNow = false;
        var failed = await rows.UpdateAsync(jobId, job =>
        {
            failedNow = !job.Status.IsFinished();
            return failedNow ? job.Ended(JobStatus.Failed, time.GetUtcNow()) with { Error = error } : null;
        }, cancellationToken);
        if (!failedNow || failed is null) return;
        JobLog.Failed(logger, jobId, error.Code, error.Message);
        await FinishedAsync(failed, cancellationToken);
    }

    /// <summary>The job's output merged on the executor and stored where it fits; the returned job points at it.</summary>
    private async Task<JobRecord> StoreResultAsync(JobRecord job, IComputePlan plan, IReadOnlyList<BinaryData> partials, CancellationToken cancellationToken)
    {
        using var merge = JobTracing.Start("jobs merge", job.Id);
        var output = await executor.RunAsync(() => plan.Complete(plan.Reduce(partials)));
        var failure = output.Failure is { } failed ? new JobError(failed.Code, failed.Message) : null;
        return await writeRetry.RunAsync(job.Id, () => results.SaveResultAsync(job with { Error = failure }, output.Value.GetRawText(), output.Content, output.ContentType, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Writes the job finished with <paramref name="result"/> if it is still at <paramref name="known"/>'s version:
    /// succeeded, or failed when the computation ran to its end without an answer (a search out of budget).
    /// </summary>
    private async Task<bool> TryFinishAsync(JobSnapshot known, JobRecord result, CancellationToken cancellationToken)
    {
        using var finish = JobTracing.Start("jobs finish", known.Job.Id);
        var now = time.GetUtcNow();
        var finished = known.Job.Ended(result.Error is null ? JobStatus.Succeeded : JobStatus.Failed, now) with
        {
            StartedAt = known.Job.StartedAt ?? now,
            RangeCount = Math.Max(known.Job.RangeCount, 1),
            Result = result.Result,
            ResultBlob = result.ResultBlob,
            ResultContentType = result.ResultContentType,
            Error = result.Error,
        };
        if (await writeRetry.RunAsync(finished.Id, () => rows.TryReplaceAsync(finished, known.Version, cancellationToken), cancellationToken) is not { } version)
            return false;
        if (finished.Error is { } error) JobLog.Failed(logger, finished.Id, error.Code, error.Message);
        else JobLog.Finished(logger, finished.Id, JobStatus.Succeeded);
        await FinishedAsync(known with { Job = finished, Version = version }, cancellationToken);
        return true;
    }

    private async Task FinishedAsync(JobSnapshot snapshot, CancellationToken cancellationToken)
    {
        metrics.Finished(snapshot.Job);
        notifier.Finished(snapshot);
        await callbacks.SendIfPendingAsync(snapshot.Job, cancellationToken);
    }
}
