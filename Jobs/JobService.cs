using Functions.Compute;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs;

/// <summary>The HTTP side of jobs: submit, read, wait for and cancel. It only awaits I/O.</summary>
public sealed class JobService(IJobStore store, JobQueue queue, ComputeKinds kinds, JobSignals signals, TimeProvider time, JobMetrics metrics, ILogger<JobService> logger)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);

    /// <summary>Validates, stores and enqueues a job. Throws <see cref="InvalidInputException"/> for bad input and
    /// <see cref="QueueUnavailableException"/> when the job could not be enqueued (it is then removed again).</summary>
    public async Task<JobSnapshot> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var kind = kinds.Find(request.Kind) ?? throw new InvalidInputException(
            "kind", $"Unknown kind '{request.Kind}'. Known kinds: {string.Join(", ", kinds.All.Select(k => k.Name))}.");
        var plan = kind.Plan(request.Input);
        var job = new JobRecord(JobIds.New(), kind.Name, request.Input.GetRawText(), JobStatus.Queued, time.GetUtcNow(), ChunkCount: plan.ChunkCount);

        // Once the row is written the job is seen through to an answer, even if the caller goes away meanwhile.
        await store.CreateAsync(job, CancellationToken.None);
        try
        {
            await queue.SendAsync(new JobMessage(job.Id), CancellationToken.None);
        }
        catch (Exception e)
        {
            JobLog.EnqueueFailed(logger, e, job.Id);
            await RemoveUnqueuedAsync(job.Id);
            throw new QueueUnavailableException(e);
        }

        JobLog.Submitted(logger, job.Id, job.Kind);
        return await store.GetAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"Job {job.Id} vanished after it was stored.");
    }

    public Task<JobSnapshot?> GetAsync(string id, CancellationToken cancellationToken) =>
        JobIds.IsWellFormed(id) ? store.GetAsync(id, cancellationToken) : Task.FromResult<JobSnapshot?>(null);

    /// <summary>Reads the job, holding on (without a thread) until it finishes or <paramref name="wait"/> ends.</summary>
    public async Task<JobSnapshot?> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!JobIds.IsWellFormed(id)) return null;
        var deadline = time.GetUtcNow() + wait;
        var poll = FirstPoll;
        while (true)
        {
            var finished = signals.WhenFinished(id);
            try
            {
                var snapshot = await store.GetAsync(id, cancellationToken);
                var left = deadline - time.GetUtcNow();
                if (snapshot is null || snapshot.Job.Status.IsFinished() || left <= TimeSpan.Zero) return snapshot;
                await Task.WhenAny(finished, Task.Delay(Min(poll, left), time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                poll = Min(poll * 2, LongestPoll);
            }
            finally
            {
                signals.StopWaiting(id, finished);
            }
        }
    }

    /// <summary>Cancels a queued or running job; a finished job stays as it is. Null for an unknown id.</summary>
    public async Task<JobSnapshot?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobIds.IsWellFormed(id)) return null;
        var canceledNow = false;
        var snapshot = await store.UpdateAsync(id, job =>
        {
            canceledNow = !job.Status.IsFinished();
            return canceledNow ? job with { Status = JobStatus.Canceled, CompletedAt = time.GetUtcNow() } : null;
        }, cancellationToken);
        if (canceledNow)
        {
            JobLog.Canceled(logger, id);
            metrics.Finished(snapshot!.Job.Kind, JobStatus.Canceled);
            signals.Finished(id);
        }

        return snapshot;
    }

    private async Task RemoveUnqueuedAsync(string id)
    {
        try
        {
            await store.DeleteAsync(id, CancellationToken.None);
        }
        catch (Exception e)
        {
            JobLog.OrphanNotRemoved(logger, e, id);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>The jobs queue could not take the message; the caller should retry later (HTTP 503).</summary>
public sealed class QueueUnavailableException(Exception inner) : Exception("The jobs queue is unavailable.", inner);
