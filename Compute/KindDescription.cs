namespace Functions.Compute;

/// <summary>What <c>GET /api/kinds</c> shows of a kind: its purpose, input fields and limits, and what its cost grows with.</summary>
/// <param name="Cost">How the kind's core time grows with its input, in a sentence.</param>
/// <param name="CostField">The integer input field that drives the cost: a job over the cap is refused naming it.</param>
/// <param name="Calibration">How this instance's estimates of the kind are scaled to its own cores.</param>
public sealed record KindDescription(
    string Name, string Summary, IReadOnlyList<InputField> Input, object Example, string Cost, string CostField, KindCalibration? Calibration = null);

/// <param name="Type">The JSON type: integer, number or string.</param>
/// <param name="Minimum">The smallest accepted value, for numbers.</param>
/// <param name="Maximum">The largest accepted value, for numbers.</param>
public sealed record InputField(string Name, string Type, string Description, bool Required = true, double? Minimum = null, double? Maximum = null, object? Default = null);
