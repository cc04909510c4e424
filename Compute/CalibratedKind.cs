using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// A kind as this instance prices it: its plans' chunk cost and estimate multiplied by the kind's calibration factor
/// at planning time. The chunks themselves are the kind's, and a budget reaches the kind as given, so every instance
/// plans the same chunks for a job whatever its own factor.
/// </summary>
internal sealed class CalibratedKind(IComputeKind kind, KindCalibrations calibrations) : IComputeKind
{
    public string Name => kind.Name;

    public KindDescription Description => kind.Description with { Calibration = calibrations.For(kind.Name) };

    public IComputePlan Plan(JsonElement input) => Priced(kind.Plan(input));

    public IComputePlan Plan(JsonElement input, TimeSpan budget) => Priced(kind.Plan(input, budget));

    public CalibrationWork Calibration() => kind.Calibration();

    private IComputePlan Priced(IComputePlan plan) => calibrations.For(kind.Name).Factor is var factor && factor == 1 ? plan : new CalibratedPlan(plan, factor);

    private sealed class CalibratedPlan(IComputePlan plan, double factor) : IComputePlan
    {
        public int ChunkCount => plan.ChunkCount;

        public TimeSpan ChunkCost { get; } = plan.ChunkCost * factor;

        public WorkEstimate Estimate { get; } = new(plan.Estimate.Expected * factor, plan.Estimate.Worst * factor);

        public BinaryData ComputeChunk(int index, CancellationToken cancellationToken) => plan.ComputeChunk(index, cancellationToken);

        public bool EndsSearch(BinaryData partial) => plan.EndsSearch(partial);

        public BinaryData Reduce(IReadOnlyList<BinaryData> partials) => plan.Reduce(partials);

        public ComputeOutput Complete(BinaryData partial) => plan.Complete(partial);
    }
}
