namespace Functions.Compute;

/// <summary>The loops the executor's threads take items from.</summary>
public sealed partial class ComputeExecutor
{
    /// <summary>A loop as the scheduler sees it. Members other than <see cref="Run"/> and <see cref="Complete"/> are used under the gate.</summary>
    private abstract class Loop(TimeSpan itemCost)
    {
        public TimeSpan ItemCost => itemCost;

        /// <summary>Threads inside one of this loop's items.</summary>
        public int Running { get; set; }

        /// <summary>The scheduler's clock when an item of this loop last started or ended, or when it was submitted.</summary>
        public long LastServed { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>True while an item may still be started.</summary>
        public abstract bool HasItems { get; }

        /// <summary>Items that will still be started unless the loop stops early.</summary>
        public abstract int Unstarted { get; }

        public abstract int Take();

        /// <summary>Runs one item outside the gate; never throws.</summary>
        public abstract void Run(int index);

        /// <summary>Ends the task; called once, after the last item returned.</summary>
        public abstract void Complete();
    }

    private sealed class ParallelLoop<T> : Loop
        where T : class
    {
        private readonly int _from;
        private readonly int _to;
        private readonly Func<int, T> _body;
        private readonly Func<T, bool>? _endsSearch;
        private readonly CancellationToken _cancellationToken;
        private readonly T?[] _results;
        private readonly TaskCompletionSource<T?[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _next;
        private int _stopAfter = int.MaxValue;
        private Exception? _failure;

        public ParallelLoop(int from, int to, Func<int, T> body, Func<T, bool>? endsSearch, TimeSpan itemCost, CancellationToken cancellationToken)
            : base(itemCost)
        {
            (_from, _to, _next) = (from, to, from);
            (_body, _endsSearch, _cancellationToken) = (body, endsSearch, cancellationToken);
            _results = new T?[to - from];
        }

        public Task<T?[]> Task => _completion.Task;

        public override bool HasItems => _next < _to && !Stopped(_next);

        public override int Unstarted => HasItems ? (int)Math.Min(_to, Volatile.Read(ref _stopAfter) + 1L) - _next : 0;

        public override int Take() => _next++;

        public override void Run(int index)
        {
            try
            {
                // Another thread may have stopped the loop since this index was taken.
                if (Stopped(index)) return;
                var result = _body(index);
                _results[index - _from] = result;
                if (_endsSearch?.Invoke(result) == true) LowerStop(index);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }
        }

        public override void Complete()
        {
            Registration.Unregister();
            var failure = Volatile.Read(ref _failure);
            if (failure is not null && !(failure is OperationCanceledException && _cancellationToken.IsCancellationRequested)) _completion.SetException(failure);
            else if (_cancellationToken.IsCancellationRequested) _completion.SetCanceled(_cancellationToken);
            else _completion.SetResult(_results);
        }

        private bool Stopped(int index) =>
            index > Volatile.Read(ref _stopAfter) || Volatile.Read(ref _failure) is not null || _cancellationToken.IsCancellationRequested;

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
