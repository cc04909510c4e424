using System.Text.Json;

namespace Functions.Compute;

/// <summary>One kind of computation. Adding a kind is one class plus one registration in <see cref="ComputeKinds"/>.</summary>
public interface IComputeKind
{
    string Name { get; }

    KindDescription Description { get; }

    /// <summary>Validates the input and plans the work; throws <see cref="InvalidInputException"/> naming the bad field.</summary>
    IComputePlan Plan(JsonElement input);
}
