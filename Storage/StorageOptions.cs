namespace Functions.Storage;

/// <summary>Settings of the app's storage work, section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// How long an HTTP request may spend on storage (beyond a <c>?wait=</c> it asked for) before it answers 503: a
    /// stalled account makes callers wait this long, never longer. The clients' per-try timeout is half of it.
    /// </summary>
    public int RequestDeadlineSeconds { get; set; } = 10;

    public TimeSpan RequestDeadline => TimeSpan.FromSeconds(RequestDeadlineSeconds);

    /// <summary>
    /// One try of a table or queue request: half the deadline, so a try that got no answer can be made once more
    /// within it, and a busy account is not sent a retry storm of short timeouts.
    /// </summary>
    public TimeSpan NetworkTimeout => RequestDeadline / 2;

    /// <summary>
    /// How long a submit may wait in line for its turn at storage (<c>Jobs.SubmitLimiter</c>): half the deadline, so
    /// that its writes have the other half even when storage is slow under the same burst, and a write the line let
    /// through is not cut short by the deadline (which would leave the caller in doubt).
    /// </summary>
    public TimeSpan TurnBudget => RequestDeadline / 2;
}
