using Functions.Jobs;

namespace Functions.Storage;

/// <summary>
/// Group send for small jobs' start messages (<see cref="GroupCommit{T}"/>): those sent while the messages before them
/// are on their way go to the queue as one message (<see cref="JobMessage.Group"/>, up to <see cref="JobMessage.MaxGroup"/>
/// + 1 jobs), one write for many jobs, and one delete and one invocation when they are run. When a shared send fails,
/// each of its callers gets the failure.
/// </summary>
internal sealed class StartMessageWriter
{
    // A message may hold 64 KiB, base64-encoded (host.json) to 4/3 of its JSON: a group stops adding at 32 KiB of
    // JSON, however long its callers' trace states.
    private const int MaxJsonLength = 32 * 1024;

    private readonly GroupCommit<Pending> _group;

    public StartMessageWriter(Func<JobMessage, Task> send) =>
        _group = new(JobMessage.MaxGroup + 1, _ => 1, MaxJsonLength, pending => pending.JsonLength, batch => SendOneAsync(batch, send));

    public Task SendAsync(JobMessage message, CancellationToken cancellationToken)
    {
        var pending = new Pending(message, message.ToJson().Length, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _group.Add(pending);
        return pending.Sent.Task.WaitAsync(cancellationToken);
    }

    private static async Task SendOneAsync(IReadOnlyList<Pending> batch, Func<JobMessage, Task> send)
    {
        try
        {
            var carried = batch.Skip(1).Select(pending => pending.Message).ToList();
            // The shared send belongs to no caller: no caller's token may cancel it for the others.
            await send(batch[0].Message with { Group = carried.Count > 0 ? carried : null });
            foreach (var pending in batch) pending.Sent.TrySetResult();
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Sent.TrySetException(e);
        }
    }

    private sealed record Pending(JobMessage Message, int JsonLength, TaskCompletionSource Sent);
}
