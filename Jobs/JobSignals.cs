using System.Collections.Concurrent;

namespace Functions.Jobs;

/// <summary>
/// In-process shortcuts between the HTTP side and the compute side of one instance: a finished job wakes its
/// waiters at once, and a cancel stops a computation running here at once. Other instances learn the same
/// through storage, by polling.
/// </summary>
public sealed class JobSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new();
    private readonly ConcurrentDictionary<CancellationTokenSource, string> _running = new();

    /// <summary>A task that completes when this instance sees the job finish.</summary>
    public Task WhenFinished(string jobId) =>
        _finished.GetOrAdd(jobId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void StopWaiting(string jobId, Task finished)
    {
        if (_finished.TryGetValue(jobId, out var source) && source.Task == finished && !finished.IsCompleted)
            _finished.TryRemove(new KeyValuePair<string, TaskCompletionSource>(jobId, source));
    }

    public void Finished(string jobId)
    {
        if (_finished.TryRemove(jobId, out var source)) source.TrySetResult();
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

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
