using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>The HTTP side of jobs: submit, read, wait for, list and cancel. It only awaits I/O.</summary>
public sealed class JobService(
    JobSubmission submission,
    JobPricing pricing,
    IJobRows rows, IJobListing listing, IJobResults results,
    JobWatch watch,
    JobNotifier notifier,
    CallbackEnqueuer callbacks,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<JobService> logger)
{
    /// <summary>
    /// Accepts a job (see <see cref="JobSubmission"/>) and, with a <paramref name="wait"/>, holds on until it finishes.
    /// Storage failing during that wait answers the job as accepted, so the caller does not submit it twice.
    /// </summary>
    public async Task<JobSnapshot> SubmitAsync(
        JobRequest request, string? idempotencyKey, TimeSpan wait, TimeSpan storageTimeLimit, CancellationToken cancellationToken, CancellationToken storageDeadline)
    {
        var job = await submission.SubmitAsync(request, idempotencyKey, storageTimeLimit, cancellationToken, storageDeadline);
        if (wait <= TimeSpan.Zero) return job;
        try
        {
            return await watch.WaitAsync(job.Job.Id, wait, job, cancellationToken) ?? job;
        }
        catch (Exception e) when (e is StorageUnavailableException || (e is OperationCanceledException && storageDeadline.IsCancellationRequested))
        {
            JobLog.WaitCutShort(logger, e, job.Job.Id);
            return job;
        }
    }

    /// <summary>What the job would cost, without submitting it; throws <see cref="Compute.InvalidInputException"/> as a submit would.</summary>
    public JobEstimate Estimate(JobRequest request) => pricing.Price(request).Estimate;

    /// <summary>One page of jobs, newest first.</summary>
    public Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken) =>
        listing.ListAsync(status, top, continuation, cancellationToken);

    public Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken) =>
        JobIds.IsWellFormed(id) ? rows.GetAsync(id, cancellationToken) : Task.FromResult<JobSnapshot?>(null);

    /// <summary>Reads the job, holding on (without a thread) until it finishes or <paramref name="wait"/> ends. Null for an unknown id.</summary>
    public async Task<JobSnapshot?> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero || !JobIds.IsWellFormed(id)) return await GetAsync(id, cancellationToken);
        using var waiting = JobTracing.Start("jobs wait", id);
        return await watch.WaitAsync(id, wait, null, cancellationToken);
    }

    /// <summary>The job and, when its result is stored apart (such as a PNG), that content. Null for an unknown id.</summary>
    public async Task<JobResult?> GetResultAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is not { } snapshot) return null;
        var content = snapshot.Job is { Status: JobStatus.Succeeded, ResultBlob: { } blob } ? await results.ReadResultAsync(blob, cancellationToken) : null;
        return new JobResult(snapshot, content);
    }

    /// <summary>Cancels a queued or running job; a finished job stays as it is. Null for an unknown id.</summary>
    public async Task<JobSnapshot?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobIds.IsWellFormed(id)) return null;
        var canceledNow = false;
        var snapshot = await rows.UpdateAsync(id, job =>
        {
            canceledNow = !job.Status.IsFinished();
            return canceledNow ? job.Ended(JobStatus.Canceled, time.GetUtcNow()) : null;
        }, cancellationToken);
        // A job removed between the read and the write is gone, not canceled.
        if (canceledNow && snapshot is not null)
        {
            JobLog.Canceled(logger, id);
            metrics.Finished(snapshot.Job);
            notifier.Finished(snapshot);
            await callbacks.SendIfPendingAsync(snapshot.Job, cancellationToken);
        }

        return snapshot;
    }
}

/// <summary>A job, and its result content when that is stored apart from the job (null when it is not, or is gone).</summary>
public sealed record JobResult(JobSnapshot Job, BinaryData? Content);
