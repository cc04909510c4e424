using System.Text.Json;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Callbacks;

/// <summary>
/// Delivers a job's callback, one attempt per message, at least once. Each attempt is claimed first by a conditional
/// write of the job row (attempts + 1, the delivery held for <see cref="Lease"/>), so a duplicated message or a second
/// instance finds nothing due and sends nothing; then the request is made and its outcome written. A failed attempt
/// is retried by a new message with a visibility delay (<see cref="RetrySchedule"/>) until <c>Callbacks__GiveUpHours</c>
/// after the job's end, when the delivery is written failed and its message put on <c>callbacks-poison</c>. A
/// forbidden address fails at once. An attempt lost with its instance is sent again by RequeueStrandedCallbacks.
/// </summary>
public sealed class CallbackDeliverer(
    IJobRows rows,
    ICallbackQueue queue,
    CallbackSender sender,
    RetrySchedule schedule,
    TimeProvider time,
    IOptions<CallbacksOptions> options,
    ILogger<CallbackDeliverer> logger)
{
    /// <summary>Clocks of instances differ a little, and a queue's visibility delay counts whole seconds.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed attempt holds the delivery: its timeout, and time for the writes around it.</summary>
    private TimeSpan Lease => options.Value.Timeout + TimeSpan.FromSeconds(20);

    /// <summary>A message from the callbacks queue: a malformed one is logged and dropped.</summary>
    public async Task DeliverAsync(string messageText, CancellationToken cancellationToken)
    {
        if (!CallbackMessage.TryParse(messageText, out var message))
        {
            CallbackLog.MalformedMessage(logger, messageText.Length <= 200 ? messageText : messageText[..200] + "…");
            return;
        }

        await DeliverAsync(message, cancellationToken);
    }

    public async Task DeliverAsync(CallbackMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (claimed, givenUp) = (false, false);
        var snapshot = await rows.UpdateCallbackAsync(message.JobId, job =>
        {
            (claimed, givenUp) = (false, false);
            if (job.Callback is not { Delivery: { State: CallbackState.Pending } delivery } callback || delivery.NextAttemptAt > now + Slack) return null;
            if (now >= GiveUpAt(job))
            {
                givenUp = true;
                return callback with { Delivery = delivery with { State = CallbackState.Failed, NextAttemptAt = null, LastError = delivery.LastError ?? "Given up before any attempt." } };
            }

            claimed = true;
            return callback with { Delivery = delivery with { Attempts = delivery.Attempts + 1, LastAttemptAt = now, NextAttemptAt = now + Lease } };
        }, cancellationToken);

        if (snapshot?.Job is { Callback.Delivery: { } ended } && givenUp)
        {
            CallbackLog.GaveUp(logger, message.JobId, ended.Attempts, ended.LastError!);
            await queue.SendToPoisonAsync(message, cancellationToken);
            return;
        }

        if (!claimed || snapshot is null)
        {
            CallbackLog.NothingDue(logger, message.JobId);
            return;
        }

        var job = snapshot.Job;
        var callbackEvent = CallbackEvent.Of(snapshot, options.Value.Source);
        var body = JsonSerializer.SerializeToUtf8Bytes(callbackEvent, JobJson.Options);
        var outcome = await sender.PostAsync(new Uri(job.Callback!.Url), callbackEvent.Id, body, cancellationToken);
        await RecordAsync(message, job, job.Callback.Delivery!.Attempts, outcome, cancellationToken);
    }

    private async Task RecordAsync(CallbackMessage message, JobRecord job, int attempt, CallbackAttempt outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var delay = outcome.IsDelivered || outcome.IsForbidden ? TimeSpan.Zero : schedule.DelayAfter(attempt, outcome.RetryAfter);
        var retry = !outcome.IsDelivered && !outcome.IsForbidden && now + delay < GiveUpAt(job);
        var written = false;
        await rows.UpdateCallbackAsync(job.Id, current =>
        {
            written = false;
            if (current.Callback is not { Delivery: { State: CallbackState.Pending } delivery } callback || delivery.Attempts != attempt) return null;
            written = true;
            return callback with
            {
                Delivery = outcome.IsDelivered
                    ? delivery with { State = CallbackState.Delivered, DeliveredAt = now, StatusCode = outcome.StatusCode, NextAttemptAt = null, LastError = null }
                    : delivery with
                    {
                        State = retry ? CallbackState.Pending : CallbackState.Failed,
                        StatusCode = outcome.StatusCode,
                        LastError = outcome.Error,
                        NextAttemptAt = retry ? now + delay : null,
                    },
            };
        }, cancellationToken);
        if (!written) return;

        if (outcome.IsDelivered)
        {
            CallbackLog.Delivered(logger, job.Id, outcome.StatusCode ?? 0, attempt);
        }
        else if (retry)
        {
            CallbackLog.Retrying(logger, job.Id, attempt, delay.TotalSeconds, outcome.Error!);
            try
            {
                // Rounded up: the message must not come before the attempt is due.
                await queue.SendAsync(message, cancellationToken, TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)));
            }
            catch (Exception e) when (e is StorageUnavailableException or OperationCanceledException)
            {
                CallbackLog.RetryNotQueued(logger, e, job.Id);
            }
        }
        else
        {
            CallbackLog.GaveUp(logger, job.Id, attempt, outcome.Error!);
            if (!outcome.IsForbidden) await queue.SendToPoisonAsync(message, cancellationToken);
        }
    }

    private DateTimeOffset GiveUpAt(JobRecord job) => (job.CompletedAt ?? job.CreatedAt) + options.Value.GiveUpAfter;
}
