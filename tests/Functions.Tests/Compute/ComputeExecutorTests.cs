using System.Collections.Concurrent;
using Functions.Compute;

namespace Functions.Tests.Compute;

public sealed class ComputeExecutorTests
{
    [Fact]
    public async Task ForEachAsync_RunsEveryIndexOnDedicatedThreads()
    {
        using var executor = new ComputeExecutor(3);
        var results = await executor.ForEachAsync(5, 105, i => $"{i}:{Thread.CurrentThread.Name}", null, CancellationToken.None);

        Assert.Equal(100, results.Length);
        for (var i = 0; i < 100; i++) Assert.StartsWith($"{i + 5}:compute-", results[i]);
    }

    [Fact]
    public async Task ForEachAsync_EndsSearch_StartsNoIndexAfterTheDecisiveOne()
    {
        using var executor = new ComputeExecutor(1);
        var started = new List<int>();
        var results = await executor.ForEachAsync(0, 10_000, i => { started.Add(i); return i.ToString(); }, r => r == "40", CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 41), started);
        Assert.All(results.Skip(41), r => Assert.Null(r));
    }

    [Fact]
    public async Task ForEachAsync_EndsSearchOnOneThread_OtherThreadsStillFinishEveryEarlierIndex()
    {
        using var executor = new ComputeExecutor(2);
        var results = await executor.ForEachAsync(0, 10_000, i =>
        {
            if (i < 40) Thread.SpinWait(20_000);
            return i.ToString();
        }, r => r == "40", CancellationToken.None);

        for (var i = 0; i <= 40; i++) Assert.Equal(i.ToString(), results[i]);
    }

    [Fact]
    public async Task RunAsync_RunsTheWorkOnAComputeThread()
    {
        using var executor = new ComputeExecutor(2);

        var thread = await executor.RunAsync(() => Thread.CurrentThread.Name);

        Assert.StartsWith("compute-", thread);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TaskFaultsWithThatException()
    {
        using var executor = new ComputeExecutor(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.RunAsync<int>(() => throw new InvalidOperationException("boom")));

        Assert.Equal("boom", error.Message);
        Assert.Equal(3, await executor.RunAsync(() => 3));
    }

    [Fact]
    public async Task ForEachAsync_BodyThrows_TaskFaultsWithThatException()
    {
        using var executor = new ComputeExecutor(2);
        var task = executor.ForEachAsync<string>(0, 50, i => i == 7 ? throw new InvalidOperationException("boom") : "ok", null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task ForEachAsync_Canceled_TaskIsCanceled()
    {
        using var executor = new ComputeExecutor(2);
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = executor.ForEachAsync(0, 1_000_000, i =>
        {
            started.TrySetResult();
            cancellation.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(1));
            return "x";
        }, null, cancellation.Token);

        await started.Task;
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }
    [Fact]
    public async Task ForEachAsync_CanceledWhileWaitingBehindAnotherLoop_EndsWithoutATurn()
    {
        using var executor = new ComputeExecutor(1);
        using var gates = new Gates(1);
        var blocking = executor.ForEachAsync(0, 1, gates.Pass, null, CancellationToken.None);
        await gates.StartedAsync(0);
        using var cancellation = new CancellationTokenSource();
        var ran = false;
        var waiting = executor.ForEachAsync(0, 5, i => { ran = true; return "x"; }, null, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Deadline));
        Assert.False(blocking.IsCompleted);
        gates.OpenAll();
        await blocking.WaitAsync(Deadline);
        Assert.False(ran);
    }

    [Fact]
    public async Task ForEachAsync_OneThread_OneItemLoopSubmittedDuringALongLoop_RunsRightAfterTheCurrentChunk()
    {
        using var executor = new ComputeExecutor(1);
        using var gates = new Gates(1000);
        var order = new ConcurrentQueue<string>();
        var longLoop = executor.ForEachAsync(0, 1000, i => { order.Enqueue($"long {i}"); return gates.Pass(i); }, null, CancellationToken.None);
        await gates.StartedAsync(0);

        var trivial = executor.RunAsync(() => { order.Enqueue("trivial"); return 42; });
        gates.Open(0);

        Assert.Equal(42, await trivial.WaitAsync(Deadline));
        Assert.Equal(["long 0", "trivial"], order.Take(2));
        Assert.False(longLoop.IsCompleted);
        gates.OpenAll();
        Assert.Equal(1000, (await longLoop.WaitAsync(Deadline)).Length);
    }

    [Fact]
    public async Task ForEachAsync_AllThreadsInALongLoop_OneItemLoopTakesTheFirstThreadThatFrees()
    {
        using var executor = new ComputeExecutor(2);
        using var gates = new Gates(1000);
        var longLoop = executor.ForEachAsync(0, 1000, gates.Pass, null, CancellationToken.None);
        await gates.StartedAsync(0);
        await gates.StartedAsync(1);

        var trivial = executor.RunAsync(() => Thread.CurrentThread.Name);
        gates.Open(1);

        // Had the freed thread taken chunk 2 instead, it would wait at that chunk's gate and the one item never run.
        Assert.StartsWith("compute-", await trivial.WaitAsync(Deadline));
        gates.OpenAll();
        await longLoop.WaitAsync(Deadline);
    }

    [Fact]
    public async Task ForEachAsync_OneThreadTwoLoops_ChunksAlternate()
    {
        using var executor = new ComputeExecutor(1);
        using var gates = new Gates(1);
        var order = new ConcurrentQueue<string>();
        var first = executor.ForEachAsync(0, 4, i => { order.Enqueue($"a{i}"); return i == 0 ? gates.Pass(0) : "a"; }, null, CancellationToken.None);
        await gates.StartedAsync(0);
        var second = executor.ForEachAsync(0, 4, i => { order.Enqueue($"b{i}"); return "b"; }, null, CancellationToken.None);

        gates.Open(0);
        await Task.WhenAll(first, second).WaitAsync(Deadline);

        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3"], order);
    }

    [Fact]
    public async Task EstimateDelay_LoopsRunningAndWaiting_SumsTheirRemainingWorkCappedAtTheNewWorkPerThread()
    {
        using var executor = new ComputeExecutor(2);
        using var gates = new Gates(10);
        Assert.Equal(TimeSpan.Zero, executor.EstimateDelay(TimeSpan.FromSeconds(10)));

        // Two of ten 100 ms items running, eight waiting: 1 s of work left. A second loop of 3 × 1 s waits behind it,
        // and a third loop has no cost.
        var costly = executor.ForEachAsync(0, 10, gates.Pass, null, CancellationToken.None, TimeSpan.FromMilliseconds(100));
        await gates.StartedAsync(0);
        await gates.StartedAsync(1);
        var waiting = executor.ForEachAsync(0, 3, i => "w", null, CancellationToken.None, TimeSpan.FromSeconds(1));
        var free = executor.ForEachAsync(0, 3, i => "f", null, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMilliseconds((1000 + 3000) / 2), executor.EstimateDelay(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds((1000 + 2000) / 2), executor.EstimateDelay(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds((300 + 300) / 2), executor.EstimateDelay(TimeSpan.FromMilliseconds(300)));

        gates.OpenAll();
        await Task.WhenAll(costly, waiting, free).WaitAsync(Deadline);
        Assert.Equal(TimeSpan.Zero, executor.EstimateDelay(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task EstimateDelay_SearchEnded_CountsOnlyTheItemsStillRunning()
    {
        using var executor = new ComputeExecutor(2);
        using var gates = new Gates(2);
        // Item 0 ends the search once item 1 runs on the other thread; items 2… are never started.
        var loop = executor.ForEachAsync(0, 100, i => i == 0 ? Hit(gates) : gates.Pass(i), r => r == "hit", CancellationToken.None, TimeSpan.FromSeconds(1));
        await gates.StartedAsync(1);
        // Runs only once the thread of item 0 is free again, that is after item 0 ended the search.
        await executor.RunAsync(() => 0).WaitAsync(Deadline);

        Assert.Equal(TimeSpan.FromMilliseconds(1000 / 2), executor.EstimateDelay(TimeSpan.FromSeconds(10)));

        gates.OpenAll();
        var results = await loop.WaitAsync(Deadline);
        Assert.Equal(["hit", "1"], results.Take(2));
        Assert.All(results.Skip(2), r => Assert.Null(r));
        Assert.Equal(TimeSpan.Zero, executor.EstimateDelay(TimeSpan.FromSeconds(10)));

        static string Hit(Gates gates)
        {
            gates.StartedAsync(1).Wait();
            return "hit";
        }
    }

    [Fact]
    public async Task Dispose_FinishesSubmittedLoopsThenJoinsEveryThread()
    {
        var executor = new ComputeExecutor(2);
        var threads = new ConcurrentDictionary<Thread, bool>();
        var loop = executor.ForEachAsync(0, 200, i => { threads[Thread.CurrentThread] = true; Thread.SpinWait(1000); return "x"; }, null, CancellationToken.None);

        executor.Dispose();

        Assert.True(loop.IsCompletedSuccessfully);
        Assert.All((await loop).Take(200), r => Assert.Equal("x", r));
        Assert.All(threads.Keys, t => Assert.False(t.IsAlive));
        Assert.Throws<ObjectDisposedException>(() => { _ = executor.ForEachAsync(0, 1, i => "x", null, CancellationToken.None); });
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>One gate per item: an item that passes its gate reports that it started and blocks until the test opens it.</summary>
    private sealed class Gates : IDisposable
    {
        private readonly ManualResetEventSlim[] _open;
        private readonly TaskCompletionSource[] _started;

        public Gates(int count)
        {
            _open = Enumerable.Range(0, count).Select(_ => new ManualResetEventSlim()).ToArray();
            _started = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        }

        public string Pass(int index)
        {
            _started[index].TrySetResult();
            if (!_open[index].Wait(Deadline)) throw new TimeoutException($"Gate {index} was never opened.");
            return index.ToString();
        }

        public Task StartedAsync(int index) => _started[index].Task.WaitAsync(Deadline);

        public bool HasStarted(int index) => _started[index].Task.IsCompleted;

        public void Open(int index) => _open[index].Set();

        public void OpenAll()
        {
            foreach (var gate in _open) gate.Set();
        }

        public void Dispose()
        {
            OpenAll();
            foreach (var gate in _open) gate.Dispose();
        }
    }
}
