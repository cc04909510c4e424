using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeFunctions.Client;

/// <summary>
/// The state of a job, as the API spells it (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>,
/// <c>canceled</c>). An extensible value rather than an enum, so a state a newer server adds reads as itself instead of
/// failing the whole answer.
/// </summary>
[JsonConverter(typeof(JobStatusJsonConverter))]
public readonly struct JobStatus : IEquatable<JobStatus>
{
    private readonly string? _value;

    /// <summary>A status with the given wire value.</summary>
    public JobStatus(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>Accepted and waiting for a compute instance.</summary>
    public static JobStatus Queued { get; } = new("queued");

    /// <summary>Being computed.</summary>
    public static JobStatus Running { get; } = new("running");

    /// <summary>Finished with a result.</summary>
    public static JobStatus Succeeded { get; } = new("succeeded");

    /// <summary>Finished without a result; <see cref="Job.Error"/> says why.</summary>
    public static JobStatus Failed { get; } = new("failed");

    /// <summary>Finished because it was canceled.</summary>
    public static JobStatus Canceled { get; } = new("canceled");

    /// <summary>True for <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Canceled"/>: the job will not change again.</summary>
    public bool IsFinished => Equals(Succeeded) || Equals(Failed) || Equals(Canceled);

    /// <inheritdoc/>
    public bool Equals(JobStatus other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JobStatus other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The wire value, such as <c>running</c>.</summary>
    public override string ToString() => _value ?? "";

    /// <summary>Compares two statuses, ignoring case.</summary>
    public static bool operator ==(JobStatus left, JobStatus right) => left.Equals(right);

    /// <summary>Compares two statuses, ignoring case.</summary>
    public static bool operator !=(JobStatus left, JobStatus right) => !left.Equals(right);

    /// <summary>The status with this wire value.</summary>
    public static implicit operator JobStatus(string value) => new(value);
}

internal sealed class JobStatusJsonConverter : JsonConverter<JobStatus>
{
    public override JobStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new JobStatus(reader.GetString()!)
            : throw new JsonException($"A job status is a string, not {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, JobStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
