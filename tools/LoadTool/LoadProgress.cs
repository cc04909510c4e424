namespace LoadTool;

/// <summary>A live snapshot of a run, for the progress display.</summary>
public sealed record LoadProgress(
    int Requested,
    int Submitted,
    int Accepted,
    int Queued,
    int Running,
    int Completed,
    int Lost,
    int Errors,
    int Settled);
