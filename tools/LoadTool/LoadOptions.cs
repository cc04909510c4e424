using System.Text.Json;

namespace LoadTool;

/// <summary>What one load run sends: <see cref="Jobs"/> jobs of <see cref="Kind"/>, at most <see cref="Concurrency"/> in flight at once.</summary>
public sealed record LoadOptions(
    Uri BaseUrl,
    int Jobs,
    int Concurrency,
    string Kind,
    JsonElement Input,
    string? FunctionKey = null,
    int WaitSeconds = 30,
    TimeSpan? Timeout = null,
    TimeSpan? RequestTimeout = null,
    bool RetryBusy = true)
{
    public const int MaxJobs = 100_000;
    public const int MaxConcurrency = 5_000;

    /// <summary>The whole run stops here; jobs accepted but not finished by then are lost.</summary>
    public TimeSpan RunTimeout => Timeout ?? TimeSpan.FromMinutes(5);

    /// <summary>One HTTP request may take this long; it must outlast a long-poll of <see cref="WaitSeconds"/>.</summary>
    public TimeSpan EffectiveRequestTimeout => RequestTimeout ?? TimeSpan.FromSeconds(WaitSeconds + 30);
}
