using System.Collections.Concurrent;

namespace Functions.Jobs.Watch;

/// <summary>
/// In-process shortcuts between the two sides of one instance: a job's changes seen here reach its watchers at once
/// (<see cref="JobWatch"/>), and a job that ends stops its computations running here at once. Other instances learn
/// the same through storage.
/// </summary>
public sealed class JobNotifier(JobWatch watch)
{
    private readonly ConcurrentDictionary<CancellationTokenSource, string> _running = new();

    /// <summary>The job changed here (started, progressed): its watchers get the new state.</summary>
    public void Changed(JobSnapshot snapshot) => watch.Publish(snapshot);

    /// <summary>The job ended here: its watchers get the final state, and its computations here stop.</summary>
    public void Finished(JobSnapshot snapshot)
    {
        watch.Publish(snapshot);
        foreach (var (cancellation, runningJob) in _running)
        {
            if (runningJob != snapshot.Job.Id) continue;
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The computation ended between the lookup and the cancel.
            }
        }
    }

    /// <summary>Registers a computation of the job on this instance; dispose the registration when it ends.</summary>
    public IDisposable Running(string jobId, CancellationTokenSource cancellation)
    {
        _running[cancellation] = jobId;
        return new Registration(() => _running.TryRemove(cancellation, out _));
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
