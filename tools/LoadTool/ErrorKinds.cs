namespace LoadTool;

/// <summary>Kinds of error besides HTTP status codes, which are reported as their number ("503").</summary>
public static class ErrorKinds
{
    /// <summary>One request got no answer within the request timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>Connection refused, reset or closed mid-answer, DNS or TLS failure.</summary>
    public const string Connection = "connection";

    /// <summary>A job reported <c>succeeded</c> without a <c>result</c>.</summary>
    public const string ResultMissing = "result missing";

    /// <summary>An answer the contract does not allow: unreadable body, unknown status, 202 with no way to find the job.</summary>
    public const string BadResponse = "bad response";

    /// <summary>A 503 that says the job may exist: the app could not tell whether it kept it. Resent with its key, but never clean.</summary>
    public const string InDoubt = "503 may exist";

    /// <summary>The run's deadline (or Ctrl+C) cut a submission short before the job was accepted.</summary>
    public const string Deadline = "deadline";
}
