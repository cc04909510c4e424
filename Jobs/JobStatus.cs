using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Functions.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("canceled")] Canceled,
}

public static class JobStatusExtensions
{
    // The names the API shows, taken from the JSON names above so they are spelled once.
    private static readonly FrozenDictionary<JobStatus, string> Names = Enum.GetValues<JobStatus>().ToFrozenDictionary(
        status => status,
        status => typeof(JobStatus).GetField(status.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    /// <summary>
    /// Whether a job at <paramref name="status"/> with <paramref name="chunksDone"/> is further along than one seen at
    /// <paramref name="known"/> with <paramref name="knownChunksDone"/>. A job only moves forward: queued, running,
    /// finished (a job that is gone counts as finished, a null status), and while unfinished, more chunks done.
    /// </summary>
    public static bool IsAheadOf(this JobStatus? status, int chunksDone, JobStatus? known, int knownChunksDone) =>
        Stage(status) > Stage(known) || (Stage(status) == Stage(known) && Stage(status) < 2 && chunksDone > knownChunksDone);

    private static int Stage(JobStatus? status) => status switch
    {
        JobStatus.Queued => 0,
        JobStatus.Running => 1,
        _ => 2,
    };

    /// <summary>The status as the API spells it: <c>queued</c>, <c>running</c>, …</summary>
    public static string Name(this JobStatus status) => Names[status];

    /// <summary>Every status as the API spells it.</summary>
    public static IEnumerable<string> AllNames => Enum.GetValues<JobStatus>().Select(Name);

    /// <summary>The status of a name as the API spells it, in any letter case; null for no status.</summary>
    public static JobStatus? FromName(string name) =>
        Enum.GetValues<JobStatus>().Cast<JobStatus?>().FirstOrDefault(status => Names[status!.Value].Equals(name, StringComparison.OrdinalIgnoreCase));
}
