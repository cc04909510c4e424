using Functions.Callbacks;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Callbacks;

public sealed class RetryScheduleTests
{
    private static readonly RetrySchedule Schedule = new(Options.Create(new CallbacksOptions { FirstRetrySeconds = 5, MaxRetrySeconds = 3600 }));

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(20, 3600)]
    [InlineData(1000, 3600)]
    public void DelayAfter_Attempts_IsAtMostTheDoublingCeiling(int attempts, double ceilingSeconds)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => Schedule.DelayAfter(attempts, null).TotalSeconds).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, 0, ceilingSeconds));
        Assert.True(delays.Distinct().Count() > 100, "full jitter spreads the delays");
    }

    [Fact]
    public void DelayAfter_RetryAfter_IsTakenWithinTheCeiling()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), Schedule.DelayAfter(1, TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.FromSeconds(3600), Schedule.DelayAfter(1, TimeSpan.FromDays(2)));
        Assert.Equal(TimeSpan.Zero, Schedule.DelayAfter(1, TimeSpan.FromSeconds(-5)));
    }
}
