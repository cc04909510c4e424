using System.Collections.Concurrent;

namespace Functions.Compute;

/// <summary>
/// The compute executor: a fixed set of dedicated threads, the counterpart of a process-pool executor.
/// CPU work runs here and never on the thread pool that serves HTTP; callers only await the returned task.
/// </summary>
public sealed class ComputeExecutor : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread[] _threads;

    public ComputeExecutor(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        _threads = new Thread[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            _threads[i] = new Thread(RunWorker) { IsBackground = true, Name = $"compute-{i}" };
            _threads[i].Start();
        }
    }

    public int ThreadCount => _threads.Length;

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [<paramref name="from"/>, <paramref name="to"/>) on all threads,
    /// each thread pulling the next index from a shared counter, so uneven chunks still balance.
    /// When <paramref name="endsSearch"/> holds for a result, indices after it are not started; their slots stay null.
    /// </summary>
    public Task<T?[]> ForEachAsync<T>(int from, int to, Func<int, T> body, Func<T, bool>? endsSearch, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        var loop = new ParallelLoop<T>(from, to, body, endsSearch, cancellationToken);
        var workers = Math.Min(ThreadCount, to - from);
        if (workers == 0) return Task.FromResult(Array.Empty<T?>());
        loop.Start(workers);
        for (var i = 0; i < workers; i++) _work.Add(loop.Work);
        return loop.Task;
    }

    /// <summary>Runs <paramref name="work"/> once on one of the executor's threads, such as a merge or an encode.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        });
        return completion.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
        _work.Dispose();
    }

    private void RunWorker()
    {
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    private sealed class ParallelLoop<T>(int from, int to, Func<int, T> body, Func<T, bool>? endsSearch, CancellationToken cancellationToken)
        where T : class
    {
        private readonly T?[] _results = new T?[to - from];
        private readonly TaskCompletionSource<T?[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _next;
        private int _stopAfter = int.MaxValue;
        private int _running;
        private Exception? _failure;

        public Task<T?[]> Task => _completion.Task;

        public void Start(int workers)
        {
            _next = from;
            _running = workers;
        }

        public void Work()
        {
            try
            {
                while (_failure is null && !cancellationToken.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref _next) - 1;
                    if (index >= to || index > Volatile.Read(ref _stopAfter)) break;
                    var result = body(index);
                    _results[index - from] = result;
                    if (endsSearch?.Invoke(result) == true) LowerStop(index);
                }
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }

            if (Interlocked.Decrement(ref _running) > 0) return;
            if (_failure is not null) _completion.SetException(_failure);
            else if (cancellationToken.IsCancellationRequested) _completion.SetCanceled(cancellationToken);
            else _completion.SetResult(_results);
        }

        private void LowerStop(int index)
        {
            var current = Volatile.Read(ref _stopAfter);
            while (index < current)
            {
                var seen = Interlocked.CompareExchange(ref _stopAfter, index, current);
                if (seen == current) return;
                current = seen;
            }
        }
    }
}
