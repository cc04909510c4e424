namespace Functions.Compute;

/// <summary>What <c>GET /api/kinds</c> shows of a kind: its purpose, input fields and limits.</summary>
public sealed record KindDescription(string Name, string Summary, IReadOnlyList<InputField> Input, object Example);

/// <param name="Type">The JSON type: integer, number or string.</param>
/// <param name="Minimum">The smallest accepted value, for numbers.</param>
/// <param name="Maximum">The largest accepted value, for numbers.</param>
public sealed record InputField(string Name, string Type, string Description, bool Required = true, double? Minimum = null, double? Maximum = null, object? Default = null);
