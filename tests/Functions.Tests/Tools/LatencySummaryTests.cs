using LoadTool;

namespace Functions.Tests.Tools;

public sealed class LatencySummaryTests
{
    [Theory]
    [InlineData(100, 50, 90, 99, 100)]
    [InlineData(10, 5, 9, 10, 10)]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(3, 2, 3, 3, 3)]
    public void From_MillisecondsOneToN_NearestRankPercentiles(int n, int p50, int p90, int p99, int max)
    {
        // Reversed, so the summary has to sort.
        var summary = LatencySummary.From(Enumerable.Range(1, n).Reverse().Select(ms => TimeSpan.FromMilliseconds(ms)));

        Assert.Equal(new LatencySummary(n, Ms(p50), Ms(p90), Ms(p99), Ms(max)), summary);
    }

    [Fact]
    public void From_NoDurations_IsEmpty()
    {
        Assert.Equal(LatencySummary.Empty, LatencySummary.From([]));
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
