using System.Threading.Channels;
using Functions.Jobs;

namespace Functions.Storage;

/// <summary>
/// Group send for small jobs' start messages: those sent while the messages before them are on their way go to the
/// queue as one message (<see cref="JobMessage.Group"/>, up to <see cref="JobMessage.MaxGroup"/> + 1 jobs), one
/// write for many jobs, and one delete and one invocation when they are run. A send waits only while the sends
/// before it are on their way; when a shared send fails, each of its callers gets the failure.
/// </summary>
internal sealed class StartMessageWriter(Func<JobMessage, Task> send)
{
    // Sends on their way at once: one more is being filled while one is answered.
    private const int InFlight = 2;

    // A message may hold 64 KiB, base64-encoded (host.json) to 4/3 of its JSON: a group stops adding at 32 KiB of
    // JSON, however long its callers' trace states.
    private const int MaxJsonLength = 32 * 1024;

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(InFlight);
    private int _started;

    public Task SendAsync(JobMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(SendLoopAsync);
        var pending = new Pending(message, message.ToJson().Length, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Writer.TryWrite(pending);
        return pending.Sent.Task.WaitAsync(cancellationToken);
    }

    private async Task SendLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            var length = 0;
            while (batch.Count <= JobMessage.MaxGroup && reader.TryPeek(out var next) && (batch.Count == 0 || length + next.JsonLength <= MaxJsonLength))
            {
                batch.Add(next);
                length += next.JsonLength;
                reader.TryRead(out _);
            }

            _ = SendOneAsync(batch);
        }
    }

    private async Task SendOneAsync(List<Pending> batch)
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
        finally
        {
            _slots.Release();
        }
    }

    private sealed record Pending(JobMessage Message, int JsonLength, TaskCompletionSource Sent);
}
