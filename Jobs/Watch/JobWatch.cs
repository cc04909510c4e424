using System.Runtime.CompilerServices;
using Functions.Jobs.Store;
using Functions.Jobs.Submit;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Watch;

/// <summary>
/// What this instance knows of the jobs its callers wait on or watch. All the callers of one job share one read of its
/// row per interval; the interval starts short and doubles up to a second, and with many jobs watched it is longer from
/// the start, so that the reads stay within <see cref="WatchOptions.WatchReadsPerSecond"/>, and a fifth of that while
/// submits wait in line for storage (<see cref="SubmitLimiter"/>): watchers are the first to slow down. A job computed on this
/// instance is pushed here as it changes (<see cref="Publish"/>), with no read, and no read is made while such pushes
/// come; a job computed elsewhere is read at once when the work ledger shows it gone (<see cref="WorkLedgerCache"/>, read
/// once a second for all jobs). The last caller to leave a job stops its reads: nothing is left behind.
/// </summary>
public sealed class JobWatch(IJobRows rows, WorkLedgerCache ledger, SubmitLimiter submits, TimeProvider time, IOptions<WatchOptions> options)
{
    // While submits wait in line for storage, watchers read at this share of their budget: they slow down first.
    private const double ShareWhileSubmitsWait = 0.2;

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LedgerTick = CachedRead<LedgerReading>.Freshness;
    private static readonly TimeSpan OffLedgerAfter = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WatchedJob> _jobs = [];

    /// <summary>How many jobs are watched on this instance now.</summary>
    public int WatchedJobs
    {
        get
        {
            lock (_gate) return _jobs.Count;
        }
    }

    /// <summary>
    /// The job as it is now, then each time it changes, until it has finished (the last state yielded) or the caller
    /// stops. <paramref name="known"/> is a state the caller has just read or written, used instead of a first read.
    /// Nothing for an unknown job.
    /// </summary>
    public async IAsyncEnumerable<JobSnapshot> WatchAsync(string id, JobSnapshot? known, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watched = Join(id, known);
        try
        {
            var (current, next) = watched.Now();
            if (current is null)
            {
                await watched.FirstReadAsync(token => rows.GetAsync(id, token), cancellationToken);
                (current, next) = watched.Now();
                if (current is null) yield break;
            }

            while (true)
            {
                yield return current;
                if (current.Job.Status.IsFinished()) yield break;
                await next.WaitAsync(cancellationToken);
                // Once known, the latest state only moves on, never back to null.
                (var latest, next) = watched.Now();
                current = latest!;
            }
        }
        finally
        {
            Leave(id, watched);
        }
    }

    /// <summary>
    /// The job once it has finished, or as it stands when <paramref name="wait"/> ends; null for an unknown job. The
    /// wait counts from the first state known: a first read that storage is slow to answer is bounded by the caller's
    /// token alone, so a slow answer is never mistaken for an unknown job.
    /// </summary>
    public async Task<JobSnapshot?> WaitAsync(string id, TimeSpan wait, JobSnapshot? known, CancellationToken cancellationToken)
    {
        await using var first = WatchAsync(id, known, cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await first.MoveNextAsync()) return null;
        var last = first.Current;
        using var deadline = new CancellationTokenSource(wait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await foreach (var snapshot in WatchAsync(id, last, either.Token)) last = snapshot;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The wait is over: answer the last state seen.
        }

        return last;
    }

    /// <summary>A state of a job seen on this instance (it computes the job, or a request changed it): its watchers get it with no read.</summary>
    public void Publish(JobSnapshot snapshot)
    {
        WatchedJob? watched;
        lock (_gate) _jobs.TryGetValue(snapshot.Job.Id, out watched);
        watched?.Take(snapshot, pushedAt: time.GetUtcNow());
    }

    private WatchedJob Join(string id, JobSnapshot? known)
    {
        WatchedJob watched;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out watched!))
            {
                _jobs[id] = watched = new WatchedJob();
                _ = PollAsync(id, watched);
            }

            watched.Watchers++;
        }

        if (known is not null) watched.Take(known, pushedAt: null);
        return watched;
    }

    private void Leave(string id, WatchedJob watched)
    {
        lock (_gate)
        {
            if (--watched.Watchers > 0) return;
            _jobs.Remove(id);
        }

        watched.Stop.Cancel();
    }

    /// <summary>
    /// One read of the job per interval for all its watchers, skipped while this instance pushes its changes. Between
    /// reads, a new reading of the work ledger that lacks the job (it has most likely finished on another instance)
    /// brings the next read forward: a finish is seen within about a second, however many jobs are watched here.
    /// </summary>
    private async Task PollAsync(string id, WatchedJob watched)
    {
        var interval = Max(FirstPoll, Budgeted());
        var lastRead = time.GetUtcNow();
        var ledgerSeenAt = DateTimeOffset.MinValue;
        try
        {
            while (true)
            {
                await Task.Delay(Min(interval, LedgerTick), time, watched.Stop.Token);
                var now = time.GetUtcNow();
                if (now - watched.LastPushed < interval) continue;
                var byLedger = false;
                if (now - lastRead < interval)
                {
                    if (watched.OffLedger || watched.Now().Latest is not { } known) continue;
                    if (await TryReadLedgerAsync(watched.Stop.Token) is not { } reading || reading.At <= ledgerSeenAt || !reading.Lacks(known.Job)) continue;
                    ledgerSeenAt = reading.At;
                    byLedger = true;
                }

                lastRead = now;
                interval = Max(Min(interval * 2, LongestPoll), Budgeted());
                try
                {
                    if (await rows.GetAsync(id, watched.Stop.Token) is not { } snapshot) continue;
                    watched.Take(snapshot, pushedAt: null);
                    // Unfinished a while after the ledger should have had it: it is not in the ledger (stored before the
                    // ledger existed, or its entry lost), so its reads keep to the interval.
                    if (byLedger && !snapshot.Job.Status.IsFinished() && ledgerSeenAt - snapshot.Job.CreatedAt > OffLedgerAfter) watched.OffLedger = true;
                }
                catch (StorageUnavailableException)
                {
                    // The watchers keep the last state they saw; the next interval tries again.
                }
            }
        }
        catch (OperationCanceledException) when (watched.Stop.IsCancellationRequested)
        {
            // The last watcher left.
        }
    }

    private async Task<LedgerReading?> TryReadLedgerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ledger.ReadAsync(cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return null;
        }
    }

    /// <summary>The shortest interval that keeps the reads of all the jobs watched here within the budget, a fifth of it while submits wait.</summary>
    private TimeSpan Budgeted() =>
        TimeSpan.FromSeconds(WatchedJobs / (options.Value.WatchReadsPerSecond * (submits.Waiting > 0 ? ShareWhileSubmitsWait : 1.0)));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
