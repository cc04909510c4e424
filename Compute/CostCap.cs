using System.Text.Json;
using System.Text.Json.Nodes;

namespace Functions.Compute;

/// <summary>The largest value of a kind's cost field (<see cref="KindDescription.CostField"/>) that keeps its job within a budget.</summary>
public static class CostCap
{
    /// <summary>
    /// Searches the field's range, up to the value asked for, for the largest one whose expected work fits
    /// <paramref name="budget"/>; null when even the smallest does not. The cost grows with the field, so a binary search serves.
    /// </summary>
    public static long? LargestFitting(IComputeKind kind, JsonElement input, TimeSpan budget)
    {
        var name = kind.Description.CostField;
        var field = kind.Description.Input.Single(f => f.Name == name);
        var low = (long)(field.Minimum ?? 0);
        var high = input.TryGetProperty(name, out var asked) && asked.TryGetInt64(out var value) ? value : (long)(field.Maximum ?? long.MaxValue);
        if (!Fits(low)) return null;
        while (low < high)
        {
            var middle = low + (high - low + 1) / 2;
            if (Fits(middle)) low = middle;
            else high = middle - 1;
        }

        return low;

        bool Fits(long candidate)
        {
            var changed = JsonNode.Parse(input.GetRawText())!.AsObject();
            changed[name] = candidate;
            return kind.Plan(JsonSerializer.SerializeToElement(changed), budget).Estimate.Expected <= budget;
        }
    }
}
