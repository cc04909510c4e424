using System.Text.Json;
using Functions.Compute;
using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Run;

/// <summary>
/// The compute side of jobs, one queue message at a time: reads what the message asks for and hands it on. A start
/// message starts the job (<see cref="JobStart"/>) and computes its first range; a range message computes that range
/// (<see cref="RangeComputation"/>); whoever stores the last needed partial finishes the job (<see cref="JobCompletion"/>).
/// A message carrying a group of small jobs' starts runs them all at once, each as if it had come alone. Every step is
/// safe to repeat, since delivery is at least once.
/// </summary>
public sealed class JobRunner(
    IJobRows rows,
    IJobQueue queue,
    ComputeKinds kinds,
    RangePlanner planner,
    JobStart start,
    RangeAdmission admission,
    RangeComputation ranges,
    JobCompletion completion,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<JobRunner> logger)
{
    public async Task RunAsync(string messageText, CancellationToken cancellationToken)
    {
        if (!JobMessage.TryParse(messageText, out var message))
        {
            JobLog.MalformedMessage(logger, Truncate(messageText));
            var jobIds = JobMessage.FindJobIds(messageText);
            if (jobIds.Count > 1)
            {
                // A group's message that cannot be read: its jobs are stored, so each can start again from a plain start.
                await SendEachAloneAsync(jobIds.Select(id => new JobMessage(id)), cancellationToken);
            }
            else if (jobIds is [var jobId])
            {
                await completion.FailAsync(jobId, new JobError("malformed-message", "The job's queue message could not be read."), cancellationToken);
            }

            return;
        }

        // A failing job fails its group's message, which is tried again; the jobs that finished skip their turn.
        await Task.WhenAll(message.Each.Select(one => RunOneAsync(one, cancellationToken)));
    }

    private async Task RunOneAsync(JobMessage message, CancellationToken cancellationToken)
    {
        var received = time.GetUtcNow();
        using var processing = JobTracing.StartProcessing(message, received);
        if (message.SentAt is { } sent) metrics.MessageWaited(received - sent);
        var snapshot = await rows.GetAsync(message.JobId, cancellationToken);
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
            await completion.FailAsync(message.JobId, new JobError("invalid-input", e.Message), cancellationToken);
            return;
        }

        if (message.Range is null)
        {
            var rangePlan = planner.For(plan);
            if (snapshot.Job.Status == JobStatus.Queued && rangePlan.RangeCount == 1)
            {
                if (!await admission.DeferIfBusyAsync(message, Work(plan, rangePlan, 0), cancellationToken))
                    await ComputeWholeAsync(snapshot, plan, cancellationToken);
                return;
            }

            // Started first, so the other ranges are on the queue for any instance while this one decides on range 0.
            snapshot = await start.StartAsync(snapshot, rangePlan, cancellationToken);
            if (snapshot is null) return;
            message = message with { Range = 0 };
        }
        else if (snapshot.Job.Status != JobStatus.Running || message.Range >= snapshot.Job.RangeCount)
        {
            JobLog.RangeNotInPlan(logger, message.JobId, message.Range.Value, snapshot.Job.Status, snapshot.Job.RangeCount);
            return;
        }

        var range = message.Range.Value;
        if (await admission.DeferIfBusyAsync(message, Work(plan, snapshot.Job.RangePlan, range), cancellationToken)) return;
        if (await ranges.ComputeAsync(snapshot, plan, range, cancellationToken))
            await completion.CompleteIfAllDoneAsync(message.JobId, plan, cancellationToken);
    }

    /// <summary>A range's estimated work on one core, from its kind's chunk cost.</summary>
    private static TimeSpan Work(IComputePlan plan, RangePlan ranges, int index)
    {
        var (first, end) = ranges.Bounds(index);
        return plan.ChunkCost * (end - first);
    }

    /// <summary>A job of one range goes from queued to finished in one write, its partial never stored.</summary>
    private async Task ComputeWholeAsync(JobSnapshot snapshot, IComputePlan plan, CancellationToken cancellationToken)
    {
        var started = snapshot with { Job = snapshot.Job with { StartedAt = time.GetUtcNow(), ChunkCount = plan.ChunkCount, RangeCount = 1 } };
        JobLog.Started(logger, started.Job.Id, started.Job.ChunkCount, started.Job.RangeCount);
        metrics.Started(started.Job);
        if (await ranges.ComputeWholeAsync(started, plan, cancellationToken) is { } computed)
            await completion.CompleteAsync(computed.Started, plan, computed.Partial, cancellationToken);
    }

    /// <summary>
    /// Ends the job of a message the host gave up on after maxDequeueCount attempts. A group's message is split instead:
    /// each of its jobs is sent alone, so only a job that fails on its own is given up on.
    /// </summary>
    public async Task FailPoisonedAsync(string messageText, CancellationToken cancellationToken)
    {
        if (JobMessage.TryParse(messageText, out var message) && message.Group is { Count: > 0 })
        {
            await SendEachAloneAsync(message.Each, cancellationToken);
            return;
        }

        var jobIds = JobMessage.FindJobIds(messageText);
        if (jobIds.Count > 1)
        {
            await SendEachAloneAsync(jobIds.Select(id => new JobMessage(id)), cancellationToken);
        }
        else if (jobIds is [var jobId])
        {
            await completion.FailAsync(jobId, new JobError("retries-exhausted", "The computation failed on every attempt and was given up."), cancellationToken);
        }
        else
        {
            JobLog.MalformedMessage(logger, Truncate(messageText));
        }
    }

    /// <summary>Splits a group's message: each job is sent alone, so only a job that fails on its own is given up on.</summary>
    private async Task SendEachAloneAsync(IEnumerable<JobMessage> starts, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var start in starts)
        {
            await queue.SendAsync(start, cancellationToken);
            count++;
        }

        JobLog.GroupSplit(logger, count);
    }

    private IComputePlan Plan(JobRecord job)
    {
        var kind = kinds.Get(job.Kind);
        using var input = JsonDocument.Parse(job.Input);
        return kind.Plan(input.RootElement, job.Budget);
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
