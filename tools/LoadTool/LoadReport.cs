using ComputeFunctions.Client;

namespace LoadTool;

/// <summary>What a load run observed; <see cref="ExitCode"/> turns it into the tool's verdict.</summary>
public sealed record LoadReport(
    int Requested,
    int Submitted,
    int Accepted,
    int AcceptedFirstTry,
    int NotSubmitted,
    int Lost,
    IReadOnlyDictionary<string, int> FinalStatuses,
    IReadOnlyDictionary<string, int> FailureCodes,
    IReadOnlyDictionary<string, ErrorCount> Errors,
    IReadOnlyDictionary<string, int> BusyRetries,
    TimeSpan Elapsed,
    LatencySummary SubmitLatency,
    LatencySummary CompletionLatency,
    LatencySummary FirstAnswerLatency)
{
    /// <summary>Every job accepted and succeeded, and no request failed.</summary>
    public const int ExitSuccess = 0;

    /// <summary>The command line was wrong (System.CommandLine's own code).</summary>
    public const int ExitUsage = 1;

    /// <summary>Errors happened, or jobs were not submitted, not accepted, or ended failed/canceled; none was lost.</summary>
    public const int ExitErrors = 2;

    /// <summary>At least one job was accepted and never reached a final state.</summary>
    public const int ExitLost = 3;

    public int Completed => FinalStatuses.Values.Sum();

    public int Succeeded => FinalStatuses.GetValueOrDefault(JobStatus.Succeeded.ToString());

    public int ErrorTotal => Errors.Values.Sum(error => error.Count);

    /// <summary>Jobs that reached a final state per second of the whole run.</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    public int ExitCode =>
        Lost > 0 ? ExitLost
        : ErrorTotal > 0 || Succeeded != Requested ? ExitErrors
        : ExitSuccess;
}
