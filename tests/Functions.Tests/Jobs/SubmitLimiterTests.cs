using Functions.Jobs.Submit;
using Functions.Jobs;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

/// <summary>The line of submits in front of storage: in order, without a thread, refused before any write when too long.</summary>
public sealed class SubmitLimiterTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task EnterAsync_AllTurnsTaken_WaitsInLineAndEntersInOrder()
    {
        using var limiter = Limiter(permits: 1);
        var first = await limiter.EnterAsync(Budget, CancellationToken.None);

        var second = limiter.EnterAsync(Budget, CancellationToken.None).AsTask();
        var third = limiter.EnterAsync(Budget, CancellationToken.None).AsTask();

        Assert.False(second.IsCompleted);
        Assert.Equal(2, limiter.Waiting);
        first.Dispose();
        (await second).Dispose();
        Assert.True((await third.WaitAsync(TimeSpan.FromSeconds(10))) is not null);
    }

    [Fact]
    public async Task EnterAsync_TurnDoesNotComeWithinTheBudget_RefusesWithARetryTime()
    {
        using var limiter = Limiter(permits: 1);
        using var held = await limiter.EnterAsync(Budget, CancellationToken.None);
        var waiting = limiter.EnterAsync(Budget, CancellationToken.None).AsTask();

        _clock.Advance(Budget);

        var refused = await Assert.ThrowsAsync<TooBusyException>(() => waiting);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Contains("nothing was kept", refused.Message);
        Assert.Equal(0, limiter.Waiting);
    }

    [Fact]
    public async Task EnterAsync_LineDrainsSlowerThanTheBudget_RefusesAtOnceEachWithTheNextSlotAfterTheLine()
    {
        using var limiter = Limiter(permits: 1);
        // One turn of 2 s: the line drains one submit per 2 s.
        using (await limiter.EnterAsync(Budget, CancellationToken.None)) _clock.Advance(TimeSpan.FromSeconds(2));
        using var held = await limiter.EnterAsync(Budget, CancellationToken.None);
        var inLine = new[] { limiter.EnterAsync(Budget, CancellationToken.None).AsTask(), limiter.EnterAsync(Budget, CancellationToken.None).AsTask() };

        // Two ahead and itself: 6 s of line against 5 s of budget. The line ends in 4 s; the refused get 6 s, then 8 s.
        var refused = new[] { limiter.EnterAsync(Budget, CancellationToken.None).AsTask(), limiter.EnterAsync(Budget, CancellationToken.None).AsTask() };

        Assert.All(refused, turn => Assert.True(turn.IsCompleted));
        Assert.Equal(TimeSpan.FromSeconds(6), (await Assert.ThrowsAsync<TooBusyException>(() => refused[0])).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(8), (await Assert.ThrowsAsync<TooBusyException>(() => refused[1])).RetryAfter);
        Assert.All(inLine, turn => Assert.False(turn.IsCompleted));
    }

    [Fact]
    public async Task EnterAsync_CallerGoesAway_IsACancelNotARefusal()
    {
        using var limiter = Limiter(permits: 1);
        using var held = await limiter.EnterAsync(Budget, CancellationToken.None);
        using var caller = new CancellationTokenSource();
        var waiting = limiter.EnterAsync(Budget, caller.Token).AsTask();

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private SubmitLimiter Limiter(int permits) =>
        new(Options.Create(new SubmitOptions { MaxConcurrentSubmits = permits }), _clock);
}
