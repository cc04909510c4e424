using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace Functions.Jobs.Upkeep;

/// <summary>
/// Queues again the jobs whose message never reached the queue. A submit stores its job marked not yet sent, sends the
/// message, then removes the mark; a submit that died or lost its answer in between leaves the mark behind. So a job
/// still marked after <see cref="SubmitWindow"/> may have no message: it is sent one. A duplicate message is harmless
/// (every step of a job is safe to repeat), and the queue's depth does not matter: no empty queue is waited for.
/// </summary>
public sealed class JobRecovery(IJobRows rows, IWorkLedger ledger, ISendMarks sendMarks, IJobQueue queue, TimeProvider time, ILogger<JobRecovery> logger)
{
    /// <summary>A submit sends its message within its storage deadline; a younger mark may be a submit still on its way.</summary>
    public static readonly TimeSpan SubmitWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A resend found its job: if the job is queued and still marked not yet sent, the first submit may have died before
    /// its message; sends it again. True when it did.
    /// </summary>
    public async Task<bool> SendIfUnsentAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.Status != JobStatus.Queued || await sendMarks.IsSentAsync(job.Id, cancellationToken)) return false;
        await SendAsync(job, cancellationToken);
        return true;
    }

    /// <summary>Sends every job marked not yet sent for longer than <see cref="SubmitWindow"/> its message; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> RequeueStrandedAsync(CancellationToken cancellationToken)
    {
        var requeued = new List<string>();
        await foreach (var id in sendMarks.FindUnsentBeforeAsync(time.GetUtcNow() - SubmitWindow, cancellationToken))
        {
            var job = await rows.GetAsync(id, cancellationToken);
            if (job is null)
            {
                // The submit stored the listing but not the job, and refused: nothing to run.
                await sendMarks.ForgetUnsentAsync(id, cancellationToken);
            }
            else if (job.Job.Status == JobStatus.Queued)
            {
                await SendAsync(job.Job, cancellationToken);
                requeued.Add(id);
            }
            else
            {
                // It ran, so its message did arrive.
                await sendMarks.MarkSentAsync(id, cancellationToken);
            }
        }

        return requeued;
    }

    /// <summary>Drops from the work queued the estimates of jobs that finished without dropping theirs (their write was lost).</summary>
    public async Task ForgetFinishedWorkAsync(CancellationToken cancellationToken)
    {
        var forgotten = await ledger.ForgetFinishedWorkAsync(cancellationToken);
        if (forgotten > 0) JobLog.WorkForgotten(logger, forgotten);
    }

    /// <summary>Sends the job's start message, under the trace it was submitted in, and clears its send mark.</summary>
    private async Task SendAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await queue.SendAsync(new JobMessage(job.Id, TraceParent: job.TraceParent), cancellationToken);
        await sendMarks.MarkSentAsync(job.Id, cancellationToken);
        JobLog.Requeued(logger, job.Id);
    }
}
