namespace LoadTool;

/// <summary>The job states of the app's HTTP contract (lowercase on the wire).</summary>
public static class JobStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static bool IsFinal(string? status) => status is Succeeded or Failed or Canceled;

    public static bool IsPending(string? status) => status is Queued or Running;
}
