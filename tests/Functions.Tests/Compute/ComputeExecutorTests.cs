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
}
