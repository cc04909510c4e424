namespace Functions.Jobs.Watch;

/// <summary>One watched job: its latest known state, and a task that completes at the next change.</summary>
internal sealed class WatchedJob
{
    private readonly Lock _gate = new();
    private JobSnapshot? _latest;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _firstRead;

    public int Watchers { get; set; }

    public CancellationTokenSource Stop { get; } = new();

    public DateTimeOffset LastPushed { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The ledger does not list this job although it is unfinished: only the interval's reads see it change.</summary>
    public bool OffLedger { get; set; }

    public (JobSnapshot? Latest, Task Next) Now()
    {
        lock (_gate) return (_latest, _next.Task);
    }

    /// <summary>
    /// The first read of a job, shared by the watchers that join while it is under way. It runs until the last
    /// watcher leaves, not on any one caller's token; a failed one is tried afresh by the next caller.
    /// </summary>
    public Task FirstReadAsync(Func<CancellationToken, Task<JobSnapshot?>> read, CancellationToken cancellationToken)
    {
        Task first;
        lock (_gate)
        {
            if (_firstRead is null || _firstRead.IsFaulted || _firstRead.IsCanceled) _firstRead = ReadAsync();
            first = _firstRead;
        }

        return first.WaitAsync(cancellationToken);

        async Task ReadAsync()
        {
            if (await read(Stop.Token) is { } snapshot) Take(snapshot, pushedAt: null);
        }
    }

    /// <summary>Keeps <paramref name="seen"/> when it is news: a later status, or the same status with more done.</summary>
    public void Take(JobSnapshot seen, DateTimeOffset? pushedAt)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (pushedAt is { } at) LastPushed = at;
            if (_latest is not null && !IsNews(_latest, seen)) return;
            _latest = seen;
            changed = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private static bool IsNews(JobSnapshot known, JobSnapshot seen) =>
        ((JobStatus?)seen.Job.Status).IsAheadOf(seen.ChunksDone, known.Job.Status, known.ChunksDone);
}
