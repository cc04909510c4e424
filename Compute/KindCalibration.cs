using System.Text.Json.Serialization;

namespace Functions.Compute;

/// <summary>
/// How a kind's cost model fits this instance's cores, from a short run of the kind's own work at start
/// (<see cref="CostCalibration"/>). Every estimate of the kind is multiplied by <see cref="Factor"/>, so its
/// core-seconds, and the cap they are held to, are this instance's.
/// </summary>
/// <param name="Factor">The calibration work's measured core time over its modelled time; 1 until measured.</param>
/// <param name="Status">Whether the factor was measured yet.</param>
public sealed record KindCalibration(double Factor, CalibrationStatus Status)
{
    public static KindCalibration Pending { get; } = new(1, CalibrationStatus.Pending);
}

[JsonConverter(typeof(JsonStringEnumConverter<CalibrationStatus>))]
public enum CalibrationStatus
{
    /// <summary>Not measured yet: estimates use the model as it stands (factor 1).</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    [JsonStringEnumMemberName("measured")] Measured,

    /// <summary>The calibration run threw; estimates use the model as it stands (factor 1).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
}
