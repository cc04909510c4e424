using Functions.Jobs.Submit;
using Functions.Jobs;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Jobs;

/// <summary>The line of submits in front of storage: in order, without a thread, refused before any write when too long.</summary>
public sealed class SubmitLimiterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private const int Window = 8;
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task EnterAsync_AllTurnsTaken_WaitsInLineAndEntersInOrder()
    {
        using var limiter = Limiter(permits: 1);
        var first = await limiter.EnterAsync(Deadline, CancellationToken.None);

        var second = limiter.EnterAsync(Deadline, CancellationToken.None).AsTask();
        var third = limiter.EnterAsync(Deadline, CancellationToken.None).AsTask();

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
        using var held = await limiter.EnterAsync(Deadline, CancellationToken.None);
        var waiting = limiter.EnterAsync(Deadline, CancellationToken.None).AsTask();

        _clock.Advance(Deadline / 2);

        var refused = await Assert.ThrowsAsync<TooBusyException>(() => waiting);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Contains("nothing was kept", refused.Message);
        Assert.Equal(0, limiter.Waiting);
    }

    [Fact]
    public async Task EnterAsync_LineDrainsSlowerThanTheBudget_RefusesAtOnceWithSlotsAfterTheLineAtTwiceItsPace()
    {
        using var limiter = Limiter(permits: 1);
        // A window of turns of 2 s each: the line drains one submit per 2 s, and a turn needs 4 s of the 10 s deadline.
        await EndTurnsAsync(limiter, Window, TimeSpan.FromSeconds(2));
        using var held = await limiter.EnterAsync(Deadline, CancellationToken.None);
        var inLine = Enumerable.Range(0, 3).Select(_ => limiter.EnterAsync(Deadline, CancellationToken.None).AsTask()).ToList();

        // The third in line comes in 6 s, the 6 s the line may take; a fourth would come in 8 s. The line ends in 6 s;
        // the refused get slots at twice its pace: 7 s, then 8 s.
        var refused = new[] { limiter.EnterAsync(Deadline, CancellationToken.None).AsTask(), limiter.EnterAsync(Deadline, CancellationToken.None).AsTask() };

        Assert.All(refused, turn => Assert.True(turn.IsCompleted));
        Assert.Equal(TimeSpan.FromSeconds(7), (await Assert.ThrowsAsync<TooBusyException>(() => refused[0])).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(8), (await Assert.ThrowsAsync<TooBusyException>(() => refused[1])).RetryAfter);
        Assert.All(inLine, turn => Assert.False(turn.IsCompleted));
    }

    [Fact]
    public async Task EnterAsync_FewTurnsEnded_WaitsInLineRatherThanRefusingOnAGuess()
    {
        using var limiter = Limiter(permits: 1);
        // A fresh instance's first turns are slow: too few to predict from.
        await EndTurnsAsync(limiter, Window - 1, TimeSpan.FromSeconds(30));
        using var held = await limiter.EnterAsync(Deadline, CancellationToken.None);

        var waiting = limiter.EnterAsync(Deadline, CancellationToken.None).AsTask();

        Assert.False(waiting.IsCompleted);
        _clock.Advance(Deadline / 2);
        Assert.Equal(Deadline / 2, (await Assert.ThrowsAsync<TooBusyException>(() => waiting)).RetryAfter);
    }

    [Fact]
    public async Task EnterAsync_LineOfSubmitsThatWillBeRefused_SlotsStartAfterTheBudgetNotAfterTheWholeLine()
    {
        using var limiter = Limiter(permits: 1);
        await EndTurnsAsync(limiter, Window - 1, TimeSpan.FromSeconds(1));
        var held = await limiter.EnterAsync(Deadline, CancellationToken.None);
        // Twenty join the line before the pace is known, so none is refused on arrival; all wait their 5 s.
        var line = Enumerable.Range(0, 20).Select(_ => limiter.EnterAsync(Deadline, CancellationToken.None).AsTask()).ToList();
        _clock.Advance(TimeSpan.FromSeconds(1));
        held.Dispose();

        _clock.Advance(TimeSpan.FromSeconds(4));

        // The first got the turn; the 19 behind it are refused at once. The line they were in was 19 s long at a second a
        // turn, but no more than their 5 s of it would ever be served: their slots start then, half a second apart.
        (await line[0]).Dispose();
        var retries = new List<TimeSpan>();
        foreach (var refused in line.Skip(1)) retries.Add((await Assert.ThrowsAsync<TooBusyException>(() => refused)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(6), retries.Min());
        Assert.Equal(TimeSpan.FromSeconds(15), retries.Max());
    }

    [Theory]
    [InlineData(100, 7)]   // quick turns: the line may take all but 30% of the deadline
    [InlineData(1800, 6.4)] // the slowest recent turn 1.8 s: 3.6 s are kept for the turn
    [InlineData(4000, 5)]  // slow turns: at least half the deadline stays for the writes
    public async Task EnterAsync_TurnsOfAGivenLength_WaitsInLineForTheDeadlineLessTwiceTheSlowestTurn(int slowestMs, double lineSeconds)
    {
        using var limiter = Limiter(permits: 1);
        await EndTurnsAsync(limiter, Window - 1, TimeSpan.FromMilliseconds(1));
        await EndTurnsAsync(limiter, 1, TimeSpan.FromMilliseconds(slowestMs));
        using var held = await limiter.EnterAsync(Deadline, CancellationToken.None);
        var waiting = limiter.EnterAsync(Deadline, CancellationToken.None).AsTask();

        _clock.Advance(TimeSpan.FromSeconds(lineSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<TooBusyException>(() => waiting);
    }

    [Fact]
    public async Task EnterAsync_CallerGoesAway_IsACancelNotARefusal()
    {
        using var limiter = Limiter(permits: 1);
        using var held = await limiter.EnterAsync(Deadline, CancellationToken.None);
        using var caller = new CancellationTokenSource();
        var waiting = limiter.EnterAsync(Deadline, caller.Token).AsTask();

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private async Task EndTurnsAsync(SubmitLimiter limiter, int count, TimeSpan length)
    {
        for (var i = 0; i < count; i++)
            using (await limiter.EnterAsync(Deadline, CancellationToken.None)) _clock.Advance(length);
    }

    private SubmitLimiter Limiter(int permits) =>
        new(Options.Create(new SubmitOptions { MaxConcurrentSubmits = permits }), _clock);
}
