using Microsoft.Extensions.Options;

namespace Functions.Callbacks;

/// <summary>
/// When to try a callback again: exponential back-off with full jitter (a random delay up to
/// <c>FirstRetrySeconds</c> × 2^(attempts−1), capped at <c>MaxRetrySeconds</c>), so receivers coming back from an
/// outage are not hit by every sender at once; a receiver's <c>Retry-After</c> (429, 503) wins, within the cap.
/// </summary>
public sealed class RetrySchedule(IOptions<CallbacksOptions> options)
{
    public TimeSpan DelayAfter(int attempts, TimeSpan? retryAfter)
    {
        var settings = options.Value;
        if (retryAfter is { } asked) return asked < TimeSpan.Zero ? TimeSpan.Zero : asked < settings.MaxRetry ? asked : settings.MaxRetry;
        var ceiling = settings.FirstRetry.TotalSeconds * Math.Pow(2, Math.Min(Math.Max(attempts - 1, 0), 30));
        return TimeSpan.FromSeconds(Random.Shared.NextDouble() * Math.Min(ceiling, settings.MaxRetrySeconds));
    }
}
