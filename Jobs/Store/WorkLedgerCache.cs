namespace Functions.Jobs.Store;

/// <summary>The jobs not yet finished, by the store's work ledger, and the core time they are estimated to take.</summary>
public sealed record QueuedWork(TimeSpan CoreTime, IReadOnlySet<string> JobIds);

/// <summary>
/// The work ledger as this instance last read it, shared by all its users: admission on submit (how much work is
/// queued) and the watchers of jobs computed elsewhere (which have finished: a finished job leaves the ledger). Read
/// at most once a second while it is asked for (<see cref="CachedRead{T}"/>).
/// </summary>
public sealed class WorkLedgerCache
{
    private readonly CachedRead<LedgerReading> _reading;

    public WorkLedgerCache(IWorkLedger ledger, TimeProvider time) => _reading = new(async cancellationToken =>
    {
        var at = time.GetUtcNow();
        return new LedgerReading(await ledger.GetQueuedWorkAsync(cancellationToken), at);
    }, time);

    public Task<LedgerReading> ReadAsync(CancellationToken cancellationToken) => _reading.GetAsync(cancellationToken);
}

/// <param name="At">When the read began: every job stored before then and unfinished is in it.</param>
public sealed record LedgerReading(QueuedWork Work, DateTimeOffset At)
{
    /// <summary>
    /// The job was stored before this reading and is not in it: it has most likely finished. (A job can also be missing
    /// when its ledger entry was never written, or its transaction had not landed when the read began.)
    /// </summary>
    public bool Lacks(JobRecord job) => job.CreatedAt < At && !Work.JobIds.Contains(job.Id);
}
