using System.Collections.Concurrent;

namespace Functions.Jobs;

/// <summary>
/// In-process shortcuts between the HTTP side and the compute side of one instance: a finished job wakes its
/// waiters at once, and a cancel stops a computation running here at once. Other instances learn the same
/// through storage, by polling.
/// </summary>
public sealed class JobSignals
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Waiters> _finished = [];
    private readonly ConcurrentDictionary<CancellationTokenSource, string> _running = new();

    /// <summary>A task that completes when this instance sees the job finish; pair it with <see cref="StopWaiting"/>.</summary>
    public Task WhenFinished(string jobId)
    {
        lock (_gate)
        {
            if (!_finished.TryGetValue(jobId, out var waiters)) _finished[jobId] = waiters = new Waiters();
            waiters.Count++;
            return waiters.Source.Task;
        }
    }

    /// <summary>One waiter is done waiting; the job is forgotten once no one waits for it.</summary>
    public void StopWaiting(string jobId, Task finished)
    {
        lock (_gate)
        {
            if (_finished.TryGetValue(jobId, out var waiters) && waiters.Source.Task == finished && --waiters.Count == 0)
                _finished.Remove(jobId);
        }
    }

    public void Finished(string jobId)
    {
        Waiters? waiters;
        lock (_gate) _finished.Remove(jobId, out waiters);
        waiters?.Source.TrySetResult();
        CancelRunning(jobId);
    }

    /// <summary>Registers a computation of the job on this instance; dispose the registration when it ends.</summary>
    public IDisposable Running(string jobId, CancellationTokenSource cancellation)
    {
        _running[cancellation] = jobId;
        return new Registration(() => _running.TryRemove(cancellation, out _));
    }

    private void CancelRunning(string jobId)
    {
        foreach (var (cancellation, runningJob) in _running)
        {
            if (runningJob != jobId) continue;
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

    private sealed class Waiters
    {
        public TaskCompletionSource Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
