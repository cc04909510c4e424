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
    /// How many partitions the index (listing, work ledger, send marks) is spread over, for a new jobs table: each holds
    /// up to about 2,000 writes/s in Azure. A table keeps the count it was first used with (<see cref="IndexShards"/>).
    /// </summary>
    public int IndexShards { get; set; } = 1;

    /// <summary>
    /// One try of a table or queue request: half the deadline, so a try that got no answer can be made once more
    /// within it, and a busy account is not sent a retry storm of short timeouts.
    /// </summary>
    public TimeSpan NetworkTimeout => RequestDeadline / 2;
}
