using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

public sealed class CachedReadTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly Queue<TaskCompletionSource<int>> _reads = new();
    private readonly CachedRead<int> _reading;

    public CachedReadTests() => _reading = new CachedRead<int>(_ => Read().Task, _clock);

    private int ReadsStarted { get; set; }

    [Fact]
    public async Task FirstCall_WaitsForTheRead_AndCallsWithinFreshnessShareIt()
    {
        var first = _reading.GetAsync(CancellationToken.None);
        var second = _reading.GetAsync(CancellationToken.None);
        Assert.False(first.IsCompleted);

        _reads.Dequeue().SetResult(7);
        _clock.Advance(CachedRead<int>.Freshness - TimeSpan.FromMilliseconds(1));

        Assert.Equal((7, 7, 7), (await first, await second, await _reading.GetAsync(CancellationToken.None)));
        Assert.Equal(1, ReadsStarted);
    }

    [Fact]
    public async Task PastFreshness_AnswersTheLastReadingAtOnce_WhileOneNewReadIsOnItsWay()
    {
        await ReadAsync(7);
        _clock.Advance(CachedRead<int>.Freshness);

        var during = _reading.GetAsync(CancellationToken.None);
        var alsoDuring = _reading.GetAsync(CancellationToken.None);

        Assert.True(during.IsCompletedSuccessfully && alsoDuring.IsCompletedSuccessfully);
        Assert.Equal((7, 7), (await during, await alsoDuring));
        Assert.Equal(2, ReadsStarted);
        _reads.Dequeue().SetResult(9);
        // The new reading is taken in by the read's continuation, which may run a moment later.
        await FunctionApp.WaitUntilAsync(async () => await _reading.GetAsync(CancellationToken.None) == 9, TimeSpan.FromSeconds(10));
        Assert.Equal(2, ReadsStarted);
    }

    [Fact]
    public async Task PastStaleness_WaitsForTheNewRead()
    {
        await ReadAsync(7);
        _clock.Advance(CachedRead<int>.Staleness);

        var after = _reading.GetAsync(CancellationToken.None);

        Assert.False(after.IsCompleted);
        _reads.Dequeue().SetResult(9);
        Assert.Equal(9, await after);
    }

    [Fact]
    public async Task FailedRead_WithNoReadingYet_FailsItsCallers_AndTheNextCallReadsAgain()
    {
        var failed = _reading.GetAsync(CancellationToken.None);
        _reads.Dequeue().SetException(new StorageUnavailableException("no answer", unanswered: true));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => failed);

        var again = _reading.GetAsync(CancellationToken.None);

        Assert.Equal(2, ReadsStarted);
        _reads.Dequeue().SetResult(3);
        Assert.Equal(3, await again);
    }

    [Fact]
    public async Task CallerGoesAway_TheReadGoesOnForTheOthers()
    {
        using var goesAway = new CancellationTokenSource();
        var first = _reading.GetAsync(goesAway.Token);
        var second = _reading.GetAsync(CancellationToken.None);

        await goesAway.CancelAsync();
        _reads.Dequeue().SetResult(5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(5, await second);
    }

    [Fact]
    public async Task ReadThatAnswersAtOnce_IsKeptLikeAnyOther()
    {
        var reading = new CachedRead<int>(_ => Task.FromResult(++ReadsStarted), _clock);

        Assert.Equal(1, await reading.GetAsync(CancellationToken.None));
        Assert.Equal(1, await reading.GetAsync(CancellationToken.None));
        _clock.Advance(CachedRead<int>.Freshness);
        Assert.Equal(2, await reading.GetAsync(CancellationToken.None));
    }

    private async Task ReadAsync(int value)
    {
        var read = _reading.GetAsync(CancellationToken.None);
        _reads.Dequeue().SetResult(value);
        Assert.Equal(value, await read);
    }

    private TaskCompletionSource<int> Read()
    {
        ReadsStarted++;
        var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads.Enqueue(read);
        return read;
    }
}
