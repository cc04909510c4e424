namespace Functions.Jobs.Store;

/// <summary>The work ledger: one entry per unfinished job with its estimate, so admission knows the work queued.</summary>
public interface IWorkLedger
{
    /// <summary>The jobs not yet finished and the core time they are expected to take, by their estimates.</summary>
    Task<QueuedWork> GetQueuedWorkAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drops from the queued work what jobs finished (or gone) without their estimate being dropped (a write lost when
    /// they finished); returns how many.
    /// </summary>
    Task<int> ForgetFinishedWorkAsync(CancellationToken cancellationToken);
}
