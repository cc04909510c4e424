using System.Text.Json;

namespace Functions.Compute;

/// <summary>One kind of computation. Adding a kind is one class plus one registration in <see cref="ComputeKinds"/>.</summary>
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
}
