using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.Compute;

/// <summary>
/// The compute executor: a fixed set of dedicated threads, the counterpart of a process-pool executor.
/// CPU work runs here and never on the thread pool that serves HTTP; callers only await the returned task.
/// The threads share themselves fairly between the loops they run, one item (a chunk) at a time: a thread that is free
/// takes the next item of the loop with the fewest threads on it, and of those the one served longest ago. So a
/// one-chunk job starts within one chunk's time even while a loop of thousands of chunks runs, and loops of equal
/// standing take turns. The threads run at the priority <see cref="ComputePriority"/> asks for.
/// </summary>
public sealed partial class ComputeExecutor : IDisposable
{
    // Threads running an item now: the sum of the loops' Running, changed with it under the gate.
    private int _busy;
    private readonly object _gate = new();
    private readonly List<Loop> _loops = [];
    private readonly Thread[] _threads;

    // Tasks are completed on this normal-priority thread rather than on a compute thread: completing one queues its
    // continuation to the thread pool, which may start a pool thread right there, and a thread started by a thread at
    // nice 19 inherits nice 19 (SCHED_IDLE is not inherited: the runtime starts threads with an explicit policy).
    private readonly BlockingCollection<Loop> _finished = new();
    private readonly Thread _completer;

    private long _clock;
    private bool _disposed;

    /// <summary>Threads at the priority they were started with (normal, unless the starting thread was lowered).</summary>
    public ComputeExecutor(int threadCount)
        : this(threadCount, ComputePriority.Normal, NullLogger.Instance, ComputeThreadPriority.Os)
    {
    }

    public ComputeExecutor(int threadCount, ComputePriority priority, ILogger logger)
        : this(threadCount, priority, logger, ComputeThreadPriority.Os)
    {
    }

    internal ComputeExecutor(int threadCount, ComputePriority priority, ILogger logger, ComputeThreadPriority threadPriority)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        var outcomes = new PriorityOutcome[threadCount];
        using var started = new CountdownEvent(threadCount);
        _threads = new Thread[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            var slot = i;
            _threads[i] = new Thread(() =>
            {
                outcomes[slot] = threadPriority.Apply(priority);
                started.Signal();
                Work();
            }) { IsBackground = true, Name = $"compute-{i}" };
            _threads[i].Start();
        }
        _completer = new Thread(CompleteFinished) { IsBackground = true, Name = "compute-notify" };
        _completer.Start();

        started.Wait();
        ComputeLog.ThreadsStarted(logger, threadCount, PriorityOutcome.Summarize(outcomes));
        if (outcomes.FirstOrDefault(o => o.Refusal is not null).Refusal is { } refusal) ComputeLog.PriorityRefused(logger, priority, refusal);
    }

    public int ThreadCount => _threads.Length;

    /// <summary>How many of the threads are running an item now.</summary>
    public int BusyThreads => Volatile.Read(ref _busy);

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [<paramref name="from"/>, <paramref name="to"/>) on the executor's
    /// threads, each thread pulling the next index from the loop's shared counter, so uneven items still balance.
    /// When <paramref name="endsSearch"/> holds for a result, indices after it are not started; their slots stay null.
    /// A failing item or cancellation stops the loop from starting more; the task ends once the running items return.
    /// </summary>
    /// <param name="itemCost">The estimated time of one item on one core; it feeds <see cref="EstimateDelay"/>.</param>
    public Task<T?[]> ForEachAsync<T>(
        int from, int to, Func<int, T> body, Func<T, bool>? endsSearch, CancellationToken cancellationToken, TimeSpan itemCost = default)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCost, TimeSpan.Zero);
        if (from == to) return Task.FromResult(Array.Empty<T?>());

        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T?[]>(cancellationToken);

        var loop = new ParallelLoop<T>(from, to, body, endsSearch, itemCost, cancellationToken);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            loop.LastServed = ++_clock;
            _loops.Add(loop);
            // Under the gate, so no thread can finish the loop before its registration is in place to be undone.
            loop.Registration = cancellationToken.UnsafeRegister(_ => Canceled(loop), null);
            Monitor.PulseAll(_gate);
        }
        return loop.Task;
    }

    /// <summary>Runs <paramref name="work"/> once on one of the executor's threads, such as a merge or an encode: a loop of one item.</summary>
    /// <param name="cost">The estimated time of the work on one core; it feeds <see cref="EstimateDelay"/>.</param>
    public async Task<T> RunAsync<T>(Func<T> work, TimeSpan cost = default)
    {
        var results = await ForEachAsync(0, 1, _ => new StrongBox<T>(work()), null, CancellationToken.None, cost).ConfigureAwait(false);
        return results[0]!.Value!;
    }

    /// <summary>
    /// How much longer a new loop of <paramref name="work"/> (core time) would take because of the loops already running
    /// or waiting, under the fair sharing: Σ min(remainingᵢ, work) / <see cref="ThreadCount"/>, where remainingᵢ is each
    /// loop's items not yet finished times its item cost (a loop given no cost counts as nothing). Each other loop
    /// holds the new one back by its own remaining work, but by no more than the new loop's, since past that the new
    /// loop is done.
    /// </summary>
    public TimeSpan EstimateDelay(TimeSpan work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(work, TimeSpan.Zero);
        Int128 ticks = 0;
        lock (_gate)
        {
            foreach (var loop in _loops)
                ticks += Int128.Min((Int128)(loop.Unstarted + loop.Running) * loop.ItemCost.Ticks, work.Ticks);
        }
        return TimeSpan.FromTicks((long)(ticks / ThreadCount));
    }

    /// <summary>Lets the threads finish every loop already submitted, then joins them. Submitting afterwards throws.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in _threads) thread.Join();
        _finished.CompleteAdding();
        _completer.Join();
        _finished.Dispose();
    }

    private void Work()
    {
        while (TryTake(out var loop, out var index))
        {
            loop.Run(index);

            bool finished;
            lock (_gate)
            {
                loop.Running--;
                _busy--;
                loop.LastServed = ++_clock;
                finished = loop.Running == 0 && !loop.HasItems && _loops.Remove(loop);
            }
            if (finished) _finished.Add(loop);
        }
    }

    /// <summary>Waits for an item to start: of the loops with items left, the one with the fewest threads on it, then the one served longest ago.</summary>
    private bool TryTake(out Loop loop, out int index)
    {
        lock (_gate)
        {
            while (true)
            {
                Loop? next = null;
                foreach (var candidate in _loops)
                {
                    if (!candidate.HasItems) continue;
                    if (next is null || candidate.Running < next.Running || (candidate.Running == next.Running && candidate.LastServed < next.LastServed))
                        next = candidate;
                }
                if (next is not null)
                {
                    loop = next;
                    index = next.Take();
                    next.Running++;
                    _busy++;
                    next.LastServed = ++_clock;
                    return true;
                }
                if (_disposed)
                {
                    (loop, index) = (null!, 0);
                    return false;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>A canceled loop no thread is working on ends now rather than when a thread next looks at it.</summary>
    private void Canceled(Loop loop)
    {
        bool finished;
        lock (_gate)
        {
            finished = loop.Running == 0 && _loops.Remove(loop);
        }
        if (finished) loop.Complete();
    }

    private void CompleteFinished()
    {
        foreach (var loop in _finished.GetConsumingEnumerable()) loop.Complete();
    }
}
