using System.Collections.Concurrent;
using Functions.Jobs.Store;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

public sealed class QueueAgeCacheTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();
    private readonly ConcurrentQueue<TaskCompletionSource<OldestMessages>> _peeks = new();
    private readonly RecordingLoggerProvider _log = new();
    private readonly QueueAgeCache _ages;
    private int _peeksStarted;

    public QueueAgeCacheTests() => _ages = new QueueAgeCache(_ => Peek().Task, _clock, new LoggerFactory([_log]).CreateLogger<QueueAgeCache>());

    [Fact]
    public async Task Observe_FirstTime_ReportsNothing_AndStartsOneReadingForAllCallers()
    {
        Assert.Null(_ages.Observe());
        Assert.Null(_ages.Observe());

        await NextPeekAsync();
        Assert.Equal(1, _peeksStarted);
    }

    [Fact]
    public async Task Observe_AfterAReading_ReportsEachQueuesAgeWhenRead()
    {
        _ages.Observe();

        (await NextPeekAsync()).SetResult(new OldestMessages(_clock.GetUtcNow() - TimeSpan.FromSeconds(30), null));

        Assert.Equal(new QueueAges(TimeSpan.FromSeconds(30), TimeSpan.Zero), await ReadingAsync());
    }

    [Fact]
    public async Task Observe_WithinFreshness_ReadsStorageOnce_AndPastItReadsAgain()
    {
        _ages.Observe();
        (await NextPeekAsync()).SetResult(new OldestMessages(null, null));
        var first = await ReadingAsync();
        _clock.Advance(QueueAgeCache.Freshness - TimeSpan.FromMilliseconds(1));
        Assert.Equal(first, _ages.Observe());
        Assert.Equal(1, _peeksStarted);

        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(first, _ages.Observe());
        (await NextPeekAsync()).SetResult(new OldestMessages(_clock.GetUtcNow() - TimeSpan.FromSeconds(2), null));
        Assert.Equal(new QueueAges(TimeSpan.FromSeconds(2), TimeSpan.Zero), await ReadingAsync(until: ages => ages != first));
        Assert.Equal(2, _peeksStarted);
    }

    [Fact]
    public async Task Observe_ReadingsFail_ReportsNothing_WarnsOnceForTheRun_AndReportsAgainOnceOneSucceeds()
    {
        _ages.Observe();
        (await NextPeekAsync()).SetResult(new OldestMessages(null, null));
        await ReadingAsync();

        foreach (var failures in Enumerable.Range(1, 2))
        {
            _clock.Advance(QueueAgeCache.Freshness);
            _ages.Observe();
            (await NextPeekAsync()).SetException(new StorageUnavailableException("no answer", unanswered: true));
            await FunctionApp.WaitUntilAsync(() => Task.FromResult(_log.Records.Count == failures), Deadline);
            Assert.Null(_ages.Observe());
        }

        Assert.Equal(["QueueAgeUnread", "QueueAgeStillUnread"], _log.Records.Select(record => record.EventName));
        _clock.Advance(QueueAgeCache.Freshness);
        _ages.Observe();
        (await NextPeekAsync()).SetResult(new OldestMessages(null, _clock.GetUtcNow()));
        Assert.Equal(new QueueAges(TimeSpan.Zero, TimeSpan.Zero), await ReadingAsync());
    }

    [Fact]
    public async Task Observe_PeekThrowingAtOnce_NeverThrows()
    {
        var ages = new QueueAgeCache(_ => throw new InvalidOperationException("not a task"), _clock, new LoggerFactory([_log]).CreateLogger<QueueAgeCache>());

        Assert.Null(ages.Observe());

        await FunctionApp.WaitUntilAsync(() => Task.FromResult(!_log.Records.IsEmpty), Deadline);
        Assert.Null(ages.Observe());
    }

    private TaskCompletionSource<OldestMessages> Peek()
    {
        Interlocked.Increment(ref _peeksStarted);
        var peek = new TaskCompletionSource<OldestMessages>(TaskCreationOptions.RunContinuationsAsynchronously);
        _peeks.Enqueue(peek);
        return peek;
    }

    /// <summary>The peek the cache started: it starts it on the thread pool, so it may come a moment after the call that asked for it.</summary>
    private async Task<TaskCompletionSource<OldestMessages>> NextPeekAsync()
    {
        TaskCompletionSource<OldestMessages>? peek = null;
        await FunctionApp.WaitUntilAsync(() => Task.FromResult(_peeks.TryDequeue(out peek)), Deadline);
        return peek!;
    }

    /// <summary>The reading a completed peek gave, once the cache has taken it in.</summary>
    private async Task<QueueAges> ReadingAsync(Func<QueueAges, bool>? until = null)
    {
        QueueAges? ages = null;
        await FunctionApp.WaitUntilAsync(() => Task.FromResult((ages = _ages.Observe()) is { } read && (until?.Invoke(read) ?? true)), Deadline);
        return ages!;
    }
}
