using System.Threading.Channels;

namespace Functions.Storage;

/// <summary>
/// Group commit: the items added while earlier writes are on their way wait, and go together in the next write, as
/// many as stay within <c>maxCount</c> and <c>maxSize</c> (one item always goes, whatever its size). At most
/// <see cref="InFlight"/> writes are on their way at once. <c>write</c> settles its items' callers itself.
/// </summary>
internal sealed class GroupCommit<T>(int maxCount, Func<T, int> countOf, int maxSize, Func<T, int> sizeOf, Func<IReadOnlyList<T>, Task> write)
{
    // Writes on their way at once: one more is being filled while one is answered.
    private const int InFlight = 2;

    private readonly Channel<T> _pending = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(InFlight);
    private int _started;

    public void Add(T item)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(WriteLoopAsync);
        _pending.Writer.TryWrite(item);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<T>();
            var (count, size) = (0, 0);
            while (reader.TryPeek(out var next) && (batch.Count == 0 || (count + countOf(next) <= maxCount && size + sizeOf(next) <= maxSize)))
            {
                reader.TryRead(out _);
                batch.Add(next);
                (count, size) = (count + countOf(next), size + sizeOf(next));
            }

            _ = WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<T> batch)
    {
        try
        {
            await write(batch);
        }
        finally
        {
            _slots.Release();
        }
    }
}
