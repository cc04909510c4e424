using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// A short piece of a kind's own work for its start-up calibration: chunks [<paramref name="FirstChunk"/>,
/// <paramref name="EndChunk"/>) of <paramref name="Plan"/>, and the time the kind's cost model expects them to take on
/// one core of the machine it was measured on.
/// </summary>
public sealed record CalibrationWork(IComputePlan Plan, int FirstChunk, int EndChunk, TimeSpan Modelled)
{
    /// <summary>About this much modelled work: long enough to time, short enough that all kinds take well under a second.</summary>
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The default: the first chunks of the kind's example up to <see cref="Target"/> by its chunk cost (at least one),
    /// priced at that chunk cost. It fits a kind whose chunk cost is what a chunk is expected to take.
    /// </summary>
    public static CalibrationWork FirstChunksOf(IComputeKind kind, JsonElement input)
    {
        var plan = kind.Plan(input);
        var chunks = (int)Math.Clamp(Target.Ticks / Math.Max(1, plan.ChunkCost.Ticks), 1, plan.ChunkCount);
        return new CalibrationWork(plan, 0, chunks, plan.ChunkCost * chunks);
    }
}
