using Functions.Compute;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>
/// Ends jobs. A job succeeds once every range its answer needs is done: the partials are merged on the executor, the
/// result stored where it fits, and the job row written finished, conditionally, so that of several invocations
/// getting there at once exactly one finishes it. A job fails when its messages cannot be computed.
/// </summary>
public sealed class JobCompletion(
    IJobStore store,
    ComputeExecutor executor,
    JobSignals signals,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<JobCompletion> logger)
{
    /// <summary>Merges and finishes the job when every range the answer needs is done; otherwise leaves it to the last range.</summary>
    public async Task CompleteIfAllDoneAsync(string jobId, IComputePlan plan, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await store.GetAsync(jobId, cancellationToken);
            if (snapshot is null || snapshot.Job.Status != JobStatus.Running) return;
            var byIndex = new RangeRecord?[snapshot.Job.RangeCount];
            foreach (var range in snapshot.Ranges.Where(r => r.IsDone && r.Index < byIndex.Length)) byIndex[range.Index] = range;
            var (needed, complete) = RangePlan.Decisive(byIndex, range => range.EndsSearch);
            if (!complete) return;

            var partials = new List<BinaryData>(needed.Count);
            foreach (var range in needed) partials.Add(await store.ReadPartialAsync(jobId, range, cancellationToken));
            var output = await executor.RunAsync(() => plan.Complete(plan.Reduce(partials)));
            var succeeded = snapshot.Job with { Status = JobStatus.Succeeded, CompletedAt = time.GetUtcNow() };
            var job = await store.SaveResultAsync(succeeded, output.Value.GetRawText(), output.Content, output.ContentType, cancellationToken);
            if (await store.TryReplaceAsync(job, snapshot.Version, cancellationToken) is not null)
            {
                JobLog.Finished(logger, jobId, JobStatus.Succeeded);
                Finished(job);
                return;
            }
        }
    }

    /// <summary>Fails the job unless it has finished already.</summary>
    public async Task FailAsync(string jobId, JobError error, CancellationToken cancellationToken)
    {
        var failedNow = false;
        var failed = await store.UpdateAsync(jobId, job =>
        {
            failedNow = !job.Status.IsFinished();
            return failedNow ? job with { Status = JobStatus.Failed, CompletedAt = time.GetUtcNow(), Error = error } : null;
        }, cancellationToken);
        if (!failedNow || failed is null) return;
        JobLog.Failed(logger, jobId, error.Code, error.Message);
        Finished(failed.Job);
    }

    private void Finished(JobRecord job)
    {
        metrics.Finished(job.Kind, job.Status);
        signals.Finished(job.Id);
    }
}
