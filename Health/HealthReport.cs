using System.Text.Json.Serialization;
using Functions.Jobs.Store;
using Functions.Jobs;

namespace Functions.Health;

/// <summary>The answer of <c>GET /api/health</c>: whether the app's storage answers, and how much work is waiting.</summary>
/// <param name="Status"><c>healthy</c> when both the queue and the table answered, else <c>unhealthy</c>.</param>
/// <param name="Depths">The approximate messages waiting; null when the queue did not answer.</param>
public sealed record HealthReport(string Status, StorageCheck Queue, StorageCheck Table, QueueDepths? Depths, long ElapsedMilliseconds)
{
    [JsonIgnore]
    public bool IsHealthy => Queue.Reachable && Table.Reachable;

    /// <summary>One sentence per service that did not answer.</summary>
    [JsonIgnore]
    public IEnumerable<string> Failures =>
        new[] { ("queue", Queue), ("table", Table) }.Where(c => !c.Item2.Reachable).Select(c => $"The {c.Item1}: {c.Item2.Error}");
}

/// <summary>One storage service's answer; <see cref="Error"/> says briefly why it did not answer.</summary>
public sealed record StorageCheck(bool Reachable, string? Error = null);
