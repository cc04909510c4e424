using System.Text.Json;

namespace ComputeFunctions.Client;

/// <summary>A compute kind as <c>GET /api/kinds</c> describes it: what it does, its input fields and limits, an example input.</summary>
public sealed record JobKind
{
    /// <summary>The name to submit, such as <c>primes</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What a job of this kind computes.</summary>
    public string Summary { get; init; } = "";

    /// <summary>The fields of its input.</summary>
    public IReadOnlyList<JobKindField> Input { get; init; } = [];

    /// <summary>An example input.</summary>
    public JsonElement? Example { get; init; }
}

/// <summary>One input field of a kind.</summary>
public sealed record JobKindField
{
    /// <summary>The field's name in the input object.</summary>
    public required string Name { get; init; }

    /// <summary>The JSON type: <c>integer</c>, <c>number</c> or <c>string</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>What the field means.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether the input must have it.</summary>
    public bool Required { get; init; }

    /// <summary>The smallest accepted value, for numbers.</summary>
    public double? Minimum { get; init; }

    /// <summary>The largest accepted value, for numbers.</summary>
    public double? Maximum { get; init; }

    /// <summary>The value used when the field is left out.</summary>
    public JsonElement? Default { get; init; }
}
