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
}
