using System.Security.Cryptography;
using System.Text;
using Functions.Compute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs;

/// <summary>The HTTP side of jobs: submit, read, wait for and cancel. It only awaits I/O.</summary>
public sealed class JobService(
    IJobStore store,
    JobQueue queue,
    ComputeKinds kinds,
    JobSignals signals,
    JobRecovery recovery,
    TimeProvider time,
    JobMetrics metrics,
    IOptions<JobOptions> options,
    ILogger<JobService> logger)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Validates, stores and enqueues a job. With an idempotency key, a repeated submit returns the job of the first.
    /// Throws <see cref="InvalidInputException"/> for bad input, <see cref="IdempotencyKeyReusedException"/> for a key
    /// reused with another request, and <see cref="QueueUnavailableException"/> when the job could not be queued
    /// (the queue is too deep or unreachable; nothing is kept).
    /// </summary>
    public async Task<JobSnapshot> SubmitAsync(JobRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var kind = kinds.Find(request.Kind) ?? throw new InvalidInputException(
            "kind", $"Unknown kind '{request.Kind}'. Known kinds: {string.Join(", ", kinds.All.Select(k => k.Name))}.");
        var plan = kind.Plan(request.Input);

        var id = JobIds.New();
        if (idempotencyKey is not null)
        {
            var claim = new IdempotencyClaim(Sha256(idempotencyKey), id, Sha256($"{kind.Name}\n{request.Input.GetRawText()}"));
            var first = await store.ClaimIdempotencyKeyAsync(claim, cancellationToken);
            if (first.Fingerprint != claim.Fingerprint) throw new IdempotencyKeyReusedException();
            id = first.JobId;
            if (await store.GetAsync(id, cancellationToken) is { } earlier)
            {
                await RequeueIfStrandedAsync(earlier.Job);
                return earlier;
            }
        }

        await RefuseWhenQueueTooDeepAsync(cancellationToken);
        var job = new JobRecord(id, kind.Name, request.Input.GetRawText(), JobStatus.Queued, time.GetUtcNow(), ChunkCount: plan.ChunkCount);

        // Once the row is written the job is seen through to an answer, even if the caller goes away meanwhile.
        if (await store.TryCreateAsync(job, CancellationToken.None) is not { } version)
        {
            // Another submit with the same key stored the job first; it queues it.
            return await store.GetAsync(id, CancellationToken.None)
                ?? throw new QueueUnavailableException("Another request with this Idempotency-Key was storing the job and gave up. Try again.");
        }

        try
        {
            await queue.SendAsync(new JobMessage(job.Id), CancellationToken.None);
        }
        catch (Exception e)
        {
            JobLog.EnqueueFailed(logger, e, job.Id);
            return await WithdrawAsync(job, version, e);
        }

        JobLog.Submitted(logger, job.Id, job.Kind);
        return new JobSnapshot(job, version, []);
    }

    /// <summary>One page of jobs, newest first.</summary>
    public Task<JobPage> ListAsync(JobStatus? status, int top, string? continuation, CancellationToken cancellationToken) =>
        store.ListAsync(status, top, continuation, cancellationToken);

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
        // A job removed between the read and the write is gone, not canceled.
        if (canceledNow && snapshot is not null)
        {
            JobLog.Canceled(logger, id);
            metrics.Finished(snapshot.Job.Kind, JobStatus.Canceled);
            signals.Finished(id);
        }

        return snapshot;
    }

    /// <summary>A retried submit found its job: the first attempt may have died between storing it and queueing it.</summary>
    private async Task RequeueIfStrandedAsync(JobRecord job)
    {
        try
        {
            await recovery.RequeueIfStrandedAsync(job, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The job is stored; the stranded-job timer queues it later.
            JobLog.EnqueueFailed(logger, e, job.Id);
        }
    }

    /// <summary>
    /// The message could not be sent: withdraws the job and refuses the submit, unless a worker has taken the job
    /// already (the message did arrive; only the answer to the send was lost), which is then answered as accepted.
    /// </summary>
    private async Task<JobSnapshot> WithdrawAsync(JobRecord job, string version, Exception sendFailure)
    {
        bool withdrawn;
        try
        {
            withdrawn = await store.TryDeleteUnstartedAsync(job, version, CancellationToken.None);
        }
        catch (Exception e)
        {
            JobLog.OrphanNotRemoved(logger, e, job.Id);
            throw new QueueUnavailableException(
                "The job could not be queued, nor withdrawn: it may still run later. Retry with the same Idempotency-Key to get that job.", sendFailure);
        }

        if (withdrawn || await store.GetAsync(job.Id, CancellationToken.None) is not { } taken)
            throw new QueueUnavailableException("The job could not be queued; nothing was kept. Try again later.", sendFailure);
        return taken;
    }

    private async Task RefuseWhenQueueTooDeepAsync(CancellationToken cancellationToken)
    {
        int depth;
        try
        {
            depth = await queue.GetJobsDepthAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new QueueUnavailableException("The jobs queue is unreachable; nothing was kept. Try again later.", e);
        }

        if (depth >= options.Value.MaxQueueDepth)
            throw new QueueUnavailableException($"The jobs queue holds {depth} messages, at its limit of {options.Value.MaxQueueDepth}; nothing was kept. Try again later.");
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>The job was not queued (the queue is too deep or unreachable); the caller should retry later (HTTP 503).</summary>
public sealed class QueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An Idempotency-Key came back with a different request than it was first used with (HTTP 422).</summary>
public sealed class IdempotencyKeyReusedException() : Exception("This Idempotency-Key was used with a different request.");
