using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Functions.Compute;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Functions.Jobs.Upkeep;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Submit;

/// <summary>
/// Accepts a job: validates it against its kind, stores it and queues its start message, so that what is accepted is
/// never lost and what is refused leaves nothing behind. With an idempotency key, a repeated submit returns the job of
/// the first.
/// </summary>
public sealed class JobSubmission(
    IJobRows rows, ISendMarks sendMarks, IIdempotencyKeys keys,
    IJobQueue queue,
    JobPricing pricing,
    SubmitLimiter limiter,
    JobRecovery recovery,
    ICallbackPolicy callbacks,
    WorkLedgerCache ledger,
    JobMetrics metrics,
    TimeProvider time,
    IOptions<SubmitOptions> options,
    ILogger<JobSubmission> logger)
{
    /// <summary>The most a job may take to share its start message: a group of 32 such jobs is under 2 core-seconds.</summary>
    public const double SmallJobCoreSeconds = 0.05;

    private readonly CachedRead<int> _depth = new(queue.GetJobsDepthAsync, time);

    /// <summary>
    /// Throws <see cref="InvalidInputException"/> for bad input, <see cref="IdempotencyKeyReusedException"/> for a key
    /// reused with another request, <see cref="TooBusyException"/> when its turn at storage would not come in time to
    /// finish within <paramref name="storageTimeLimit"/>, <see cref="QueueUnavailableException"/> when the job could not be queued (the
    /// queue is too deep or unreachable), all with nothing kept, and <see cref="JobOutcomeUnknownException"/> when
    /// storage did not answer while the job was being stored. A job stored whose message could not be sent is
    /// accepted: it stays marked not yet sent, and RequeueStrandedJobs sends it. Once the job row is being written,
    /// the caller going away no longer stops the submit: <paramref name="storageDeadline"/> alone bounds the rest.
    /// </summary>
    public async Task<JobSnapshot> SubmitAsync(
        JobRequest request, string? idempotencyKey, TimeSpan storageTimeLimit, CancellationToken cancellationToken, CancellationToken storageDeadline)
    {
        try
        {
            var job = await SubmitOnceAsync(request, idempotencyKey, storageTimeLimit, cancellationToken, storageDeadline);
            metrics.Submit("accepted");
            return job;
        }
        catch (Exception e) when (e is TooBusyException or QueueUnavailableException)
        {
            metrics.Submit("refused");
            throw;
        }
        catch (JobOutcomeUnknownException)
        {
            metrics.Submit("ambiguous");
            throw;
        }
    }

    private async Task<JobSnapshot> SubmitOnceAsync(
        JobRequest request, string? idempotencyKey, TimeSpan storageTimeLimit, CancellationToken cancellationToken, CancellationToken storageDeadline)
    {
        var input = request.Input.GetRawText();
        if (input.Length > rows.MaxInputLength)
            throw new InvalidInputException("input", $"'input' must be at most {rows.MaxInputLength} characters of JSON.");
        using var submit = JobTracing.Start("jobs submit", null);
        var callback = request.Callback is { } asked ? callbacks.Admit(asked) : null;
        var (kind, plan, estimate) = pricing.Price(request);

        using var turn = await AdmitAsync(storageTimeLimit, cancellationToken);
        var claim = idempotencyKey is null ? null : new IdempotencyClaim(Sha256(idempotencyKey), JobIds.New(), Fingerprint(kind.Name, input, callback));
        try
        {
            await RefuseWhenQueueTooDeepAsync(cancellationToken);
            await RefuseWhenTooMuchWorkQueuedAsync(estimate, cancellationToken);
        }
        catch (QueueUnavailableException) when (claim is not null)
        {
            // A resend of a job accepted before gets its job even now; a new one is refused with nothing kept.
            if (await keys.FindIdempotencyClaimAsync(claim.KeyHash, cancellationToken) is { } earlier && await EarlierJobAsync(claim, earlier, storageDeadline) is { } job)
                return job;
            throw;
        }

        var id = JobIds.New();
        if (claim is not null)
        {
            var first = await keys.ClaimIdempotencyKeyAsync(claim, cancellationToken);
            if (first.JobId != claim.JobId && await EarlierJobAsync(claim, first, storageDeadline) is { } earlier) return earlier;
            id = first.JobId;
        }

        submit?.SetTag(JobMetrics.JobIdTag, id);
        var stored = new JobRecord(
            id, kind.Name, input, JobStatus.Queued, time.GetUtcNow(), ChunkCount: plan.ChunkCount, Estimate: estimate, Callback: callback,
            TraceParent: JobTracing.Context().Parent);
        return await StoreAndSendAsync(stored, storageDeadline);
    }

    private async Task<IDisposable> AdmitAsync(TimeSpan storageTimeLimit, CancellationToken cancellationToken)
    {
        using var admit = JobTracing.Start("jobs admit", null);
        return await limiter.EnterAsync(storageTimeLimit, cancellationToken);
    }

    private async Task<JobSnapshot> StoreAndSendAsync(JobRecord job, CancellationToken storageDeadline)
    {
        string? version;
        try
        {
            using var store = JobTracing.Start("jobs store", job.Id);
            version = await rows.TryCreateAsync(job, storageDeadline);
        }
        catch (Exception e) when (IsUnanswered(e))
        {
            throw new JobOutcomeUnknownException(job.Id, "Storage did not answer while the job was being stored: it may exist.", e);
        }

        if (version is null)
        {
            // Another submit with the same key stored the job first; it queues it.
            return await rows.GetAsync(job.Id, storageDeadline)
                ?? throw new QueueUnavailableException("Another request with this Idempotency-Key was storing the job and gave up. Try again.");
        }

        try
        {
            using var enqueue = JobTracing.Start("jobs send", job.Id, ActivityKind.Producer);
            var start = new JobMessage(job.Id).Carrying(job);
            await (options.Value.GroupSmallStarts && IsSmall(job) ? queue.SendStartAsync(start, storageDeadline) : queue.SendAsync(start, storageDeadline));
        }
        catch (Exception e)
        {
            // Whatever failed, the job is stored and marked not yet sent, so it is accepted: RequeueStrandedJobs sends
            // its message within a minute. Withdrawing it instead would write more to a storage that is failing, and a
            // withdraw whose answer is lost would leave the caller in doubt.
            JobLog.SendDeferred(logger, e, job.Id);
            return Accepted(job, version);
        }

        await MarkSentAsync(job.Id, storageDeadline);
        return Accepted(job, version);
    }

    /// <summary>
    /// A job whose start message may share a queue message with others (<see cref="JobMessage.Group"/>): one range, at
    /// most <see cref="SmallJobCoreSeconds"/>, so a full group is a moment of work and the queue's length still tells
    /// the scaler how much work waits.
    /// </summary>
    private static bool IsSmall(JobRecord job) => job.Estimate is { Ranges: 1, WorstCoreSeconds: <= SmallJobCoreSeconds };

    private JobSnapshot Accepted(JobRecord job, string version)
    {
        JobLog.Submitted(logger, job.Id, job.Kind);
        metrics.Submitted(job);
        return new JobSnapshot(job, version, []);
    }

    /// <summary>The job a key's first use stored, its message sent again if the first submit may have died before sending it; null when it was never stored.</summary>
    private async Task<JobSnapshot?> EarlierJobAsync(IdempotencyClaim claim, IdempotencyClaim first, CancellationToken storageDeadline)
    {
        if (first.Fingerprint != claim.Fingerprint) throw new IdempotencyKeyReusedException();
        if (await rows.GetAsync(first.JobId, storageDeadline) is not { } earlier) return null;
        try
        {
            await recovery.SendIfUnsentAsync(earlier.Job, storageDeadline);
        }
        catch (Exception e)
        {
            // The job is stored and marked not yet sent: RequeueStrandedJobs sends it.
            JobLog.EnqueueFailed(logger, e, earlier.Job.Id);
        }

        return earlier;
    }

    /// <summary>The message is on its way: a mark left behind only makes RequeueStrandedJobs send a duplicate, which is harmless.</summary>
    private async Task MarkSentAsync(string id, CancellationToken storageDeadline)
    {
        try
        {
            await sendMarks.MarkSentAsync(id, storageDeadline);
        }
        catch (Exception e) when (e is StorageUnavailableException or OperationCanceledException)
        {
            JobLog.SentMarkKept(logger, e, id);
        }
    }

    /// <summary>Storage took the request and gave no answer in time, or the deadline passed first: it may have done it.</summary>
    private static bool IsUnanswered(Exception e) => e is OperationCanceledException or StorageUnavailableException { Unanswered: true };

    private async Task RefuseWhenQueueTooDeepAsync(CancellationToken cancellationToken)
    {
        int depth;
        try
        {
            depth = await _depth.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new QueueUnavailableException("The jobs queue is unreachable; nothing was kept. Try again later.", e);
        }

        if (depth >= options.Value.MaxQueueDepth)
            throw new QueueUnavailableException($"The jobs queue holds {depth} messages, at its limit of {options.Value.MaxQueueDepth}; nothing was kept. Try again later.");
    }

    /// <summary>Admission by work: one giant job is one message, so the queue's depth alone cannot bound what is owed.</summary>
    private async Task RefuseWhenTooMuchWorkQueuedAsync(JobEstimate estimate, CancellationToken cancellationToken)
    {
        var queued = (await ledger.ReadAsync(cancellationToken)).Work.CoreTime;
        var limit = options.Value.MaxQueuedCoreSeconds;
        if (queued.TotalSeconds + estimate.CoreSeconds > limit)
            throw new QueueUnavailableException(
                $"The jobs queued and running are expected to take {queued.TotalSeconds:N0} core-seconds; this one would take the total past the limit of {limit:N0}. Nothing was kept. Try again later.");
    }

    /// <summary>What a key's reuse must match. A request without a callback has the fingerprint it had before callbacks existed.</summary>
    private static string Fingerprint(string kind, string input, JobCallback? callback) => Sha256(callback is null
        ? $"{kind}\n{input}"
        : $"{kind}\n{input}\n{callback.Url}\n{string.Join(',', callback.Events.Select(e => e.Name()))}");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
