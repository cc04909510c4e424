using ComputeFunctions.Client;

namespace LoadTool;

/// <summary>The counters of a run, shared by all job workers; one lock, since events come at most a few thousand a second.</summary>
internal sealed class LoadTally(int requested)
{
    private static readonly string Running = JobStatus.Running.ToString();
    private static readonly string Succeeded = JobStatus.Succeeded.ToString();

    private readonly Lock gate = new();
    private readonly Dictionary<string, int> finalStatuses = [];
    private readonly Dictionary<string, int> failureCodes = [];
    private readonly Dictionary<string, ErrorCount> errors = [];
    private readonly Dictionary<string, int> busyRetries = [];
    private readonly List<TimeSpan> submitLatencies = [];
    private readonly List<TimeSpan> completionLatencies = [];
    private readonly List<TimeSpan> firstAnswerLatencies = [];
    private int submitted, accepted, acceptedFirstTry, notSubmitted, lost, queued, running, rejected;

    public void NotSubmitted() { lock (gate) notSubmitted++; }

    public void Submitted() { lock (gate) submitted++; }

    /// <summary>A submitted job that will never be accepted (its error is recorded separately).</summary>
    public void Rejected() { lock (gate) rejected++; }

    public void Accepted(TimeSpan submitLatency, bool firstTry)
    {
        lock (gate)
        {
            accepted++;
            if (firstTry) acceptedFirstTry++;
            queued++;
            submitLatencies.Add(submitLatency);
        }
    }

    /// <summary>Moves a pending job between the queued and running counts for the live display.</summary>
    public void Moved(string from, string to)
    {
        if (from == to) return;
        lock (gate)
        {
            if (from == Running) running--; else queued--;
            if (to == Running) running++; else queued++;
        }
    }

    public void Completed(string lastPending, string finalStatus, string? failureCode, TimeSpan completionLatency)
    {
        lock (gate)
        {
            Leave(lastPending);
            finalStatuses[finalStatus] = finalStatuses.GetValueOrDefault(finalStatus) + 1;
            if (finalStatus != Succeeded)
            {
                var code = failureCode ?? "(no code)";
                failureCodes[code] = failureCodes.GetValueOrDefault(code) + 1;
            }
            completionLatencies.Add(completionLatency);
        }
    }

    public void Lost(string lastPending)
    {
        lock (gate)
        {
            Leave(lastPending);
            lost++;
        }
    }

    public void Error(string kind, string example)
    {
        lock (gate)
            errors[kind] = errors.TryGetValue(kind, out var count) ? count with { Count = count.Count + 1 } : new ErrorCount(1, example);
    }

    /// <summary>The first answer to a submit, accepted or not.</summary>
    public void FirstAnswer(TimeSpan latency) { lock (gate) firstAnswerLatencies.Add(latency); }

    public void BusyRetry(string status) { lock (gate) busyRetries[status] = busyRetries.GetValueOrDefault(status) + 1; }

    public LoadProgress Progress()
    {
        lock (gate)
        {
            var completed = finalStatuses.Values.Sum();
            return new(requested, submitted, accepted, queued, running, completed, lost,
                errors.Values.Sum(error => error.Count), completed + lost + rejected + notSubmitted);
        }
    }

    public LoadReport Report(TimeSpan elapsed)
    {
        lock (gate)
            return new(requested, submitted, accepted, acceptedFirstTry, notSubmitted, lost,
                new Dictionary<string, int>(finalStatuses), new Dictionary<string, int>(failureCodes),
                new Dictionary<string, ErrorCount>(errors), new Dictionary<string, int>(busyRetries),
                elapsed, LatencySummary.From(submitLatencies), LatencySummary.From(completionLatencies), LatencySummary.From(firstAnswerLatencies));
    }

    private void Leave(string pending)
    {
        if (pending == Running) running--; else queued--;
    }
}
