using Azure.Data.Tables;

namespace Functions.Storage;

/// <summary>
/// Group commit (<see cref="GroupCommit{T}"/>) for one index partition: the listing entries, work-ledger entries and
/// send marks of jobs submitted or finished together go to storage in one entity-group transaction of up to
/// <see cref="TableLimits.MaxBatch"/> actions and <see cref="MaxBytes"/>, one round trip for many jobs.
/// Each caller's actions stay in one transaction; a transaction refused as a whole is tried again one caller's
/// actions at a time, so one caller's conflict fails that caller alone.
/// </summary>
internal sealed class IndexWriter
{
    // A transaction's body may be 4 MiB; a finished job's listing entry carries its result (up to 64 KiB), so the
    // writer stops adding at half that, by the size of the entities' strings and binaries.
    private const int MaxBytes = 2 * 1024 * 1024;

    private readonly TableClient _table;
    private readonly GroupCommit<Pending> _group;

    public IndexWriter(TableClient table)
    {
        _table = table;
        _group = new(TableLimits.MaxBatch, pending => pending.Actions.Count, MaxBytes, pending => pending.Bytes, CommitAsync);
    }

    /// <summary>Writes <paramref name="actions"/> (at most <see cref="TableLimits.MaxBatch"/>) in one transaction, alone or with others'.</summary>
    public Task WriteAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(actions.Count, TableLimits.MaxBatch, nameof(actions));
        var pending = new Pending(actions, SizeOf(actions), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _group.Add(pending);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        if (batch.Count == 1 || !await TrySubmitAsync(batch))
            await Task.WhenAll(batch.Select(pending => TrySubmitAsync([pending])));
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
