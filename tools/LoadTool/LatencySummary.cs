namespace LoadTool;

/// <summary>Nearest-rank percentiles of a set of durations (p99 of 10 samples is the largest one, never an interpolation).</summary>
public sealed record LatencySummary(int Count, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max)
{
    public static readonly LatencySummary Empty = new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public static LatencySummary From(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Order().ToArray();
        if (sorted.Length == 0) return Empty;
        return new(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted[^1]);
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Max(rank, 1) - 1];
    }
}
