using System.Threading.Channels;
using Azure.Data.Tables;

namespace Functions.Storage;

/// <summary>
/// Group commit for one index partition: the listing entries, work-ledger entries and send marks of jobs submitted or
/// finished together go to storage in one entity-group transaction of up to <see cref="TableLimits.MaxBatch"/>
/// actions and <see cref="MaxBytes"/>, one round trip for many jobs. A write waits only while the transactions before it are on their way.
/// Each caller's actions stay in one transaction; a transaction refused as a whole is tried again one caller's
/// actions at a time, so one caller's conflict fails that caller alone.
/// </summary>
internal sealed class IndexWriter
{
    // Transactions on their way at once: one more is being filled while one is answered, and the writes that arrive
    // meanwhile wait to share the next.
    private const int InFlight = 2;

    // A transaction's body may be 4 MiB; a finished job's listing entry carries its result (up to 64 KiB), so the
    // writer stops adding at half that, by the size of the entities' strings and binaries.
    private const int MaxBytes = 2 * 1024 * 1024;

    private readonly TableClient _table;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(InFlight);

    public IndexWriter(TableClient table)
    {
        _table = table;
        _ = Task.Run(WriteLoopAsync);
    }

    /// <summary>Writes <paramref name="actions"/> (at most <see cref="TableLimits.MaxBatch"/>) in one transaction, alone or with others'.</summary>
    public Task WriteAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(actions.Count, TableLimits.MaxBatch, nameof(actions));
        var pending = new Pending(actions, SizeOf(actions), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Writer.TryWrite(pending);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        Pending? carried = null;
        while (carried is not null || await reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            var (actions, bytes) = (0, 0);
            if (carried is not null)
            {
                batch.Add(carried);
                (actions, bytes) = (carried.Actions.Count, carried.Bytes);
                carried = null;
            }

            while (reader.TryRead(out var next))
            {
                if (actions + next.Actions.Count > TableLimits.MaxBatch || bytes + next.Bytes > MaxBytes)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                (actions, bytes) = (actions + next.Actions.Count, bytes + next.Bytes);
            }

            _ = CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            if (batch.Count == 1 || !await TrySubmitAsync(batch))
                await Task.WhenAll(batch.Select(pending => TrySubmitAsync([pending])));
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Submits <paramref name="batch"/> as one transaction; when it is refused, fails its lone caller, or returns false to split it.</summary>
    private async Task<bool> TrySubmitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            // The shared transaction belongs to no caller: no caller's token may cancel it for the others.
            await _table.SubmitTransactionAsync(batch.SelectMany(pending => pending.Actions), CancellationToken.None);
        }
        catch (TableTransactionFailedException e) when (batch.Count > 1 && e.Status is >= 400 and < 500)
        {
            // One caller's action was refused (a conflict, a row gone): the others' may stand on their own.
            return false;
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
            return true;
        }

        foreach (var pending in batch) pending.Done.TrySetResult();
        return true;
    }

    private static int SizeOf(IReadOnlyList<TableTransactionAction> actions) => actions.Sum(action =>
        action.Entity is TableEntity entity
            ? 1024 + ((IDictionary<string, object>)entity).Values.Sum(value => value switch { string text => 2 * text.Length, byte[] bytes => bytes.Length, _ => 16 })
            : 1024);

    private sealed record Pending(IReadOnlyList<TableTransactionAction> Actions, int Bytes, TaskCompletionSource Done);
}
