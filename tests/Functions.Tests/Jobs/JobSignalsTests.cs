using Functions.Jobs;

namespace Functions.Tests.Jobs;

public sealed class JobSignalsTests
{
    [Fact]
    public void Finished_OneOfTwoWaitersStoppedWaiting_TheOtherIsStillWoken()
    {
        var signals = new JobSignals();
        var first = signals.WhenFinished("job");
        var second = signals.WhenFinished("job");

        signals.StopWaiting("job", first);
        signals.Finished("job");

        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void WhenFinished_AfterEveryWaiterStopped_IsAFreshWait()
    {
        var signals = new JobSignals();
        var earlier = signals.WhenFinished("job");
        signals.StopWaiting("job", earlier);

        var later = signals.WhenFinished("job");
        signals.Finished("job");

        Assert.False(earlier.IsCompleted);
        Assert.True(later.IsCompletedSuccessfully);
    }

    [Fact]
    public void Finished_CancelsTheJobsComputationsOnly()
    {
        var signals = new JobSignals();
        using var mine = new CancellationTokenSource();
        using var other = new CancellationTokenSource();
        using var registered = signals.Running("job", mine);
        using var otherRegistered = signals.Running("other", other);

        signals.Finished("job");

        Assert.True(mine.IsCancellationRequested);
        Assert.False(other.IsCancellationRequested);
    }
}
