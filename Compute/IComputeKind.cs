using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// One kind of computation. Adding a kind is this class and its <see cref="IComputePlan"/>, plus one registration line in
/// <see cref="ComputeServiceCollectionExtensions.AddCompute"/>; docs/adding-a-kind.md walks through one.
/// </summary>
public interface IComputeKind
{
    string Name { get; }

    KindDescription Description { get; }

    /// <summary>Validates the input and plans the work; throws <see cref="InvalidInputException"/> naming the bad field.</summary>
    IComputePlan Plan(JsonElement input);

    /// <summary>
    /// Plans the work within <paramref name="budget"/> of core time. A kind whose work has no bound it can state (a
    /// search) stops there and says so; others plan as <see cref="Plan(JsonElement)"/> does, and the caller refuses a
    /// job whose estimate is over the budget.
    /// </summary>
    IComputePlan Plan(JsonElement input, TimeSpan budget) => Plan(input);

    /// <summary>
    /// Work whose modelled cost each instance times once at start (<see cref="CostCalibration"/>), to price this kind in
    /// its own core-seconds. By default the first chunks of the example, about 0.1 s by the chunk cost; a kind whose
    /// chunk cost is a bound rather than an expectation (a render priced as if every pixel ran to the limit) gives work
    /// that meets its bound.
    /// </summary>
    CalibrationWork Calibration() => CalibrationWork.FirstChunksOf(this, JsonSerializer.SerializeToElement(Description.Example));
}
