using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// What a job produces: a JSON value (shown in the job status) and optionally binary content
/// such as a PNG, stored as a blob and served by <c>GET /api/jobs/{id}/result</c>. A job that ran to its end without an
/// answer (a search that used up its budget) carries a <see cref="Failure"/>: it ends failed, its value kept.
/// </summary>
public sealed record ComputeOutput(JsonElement Value, BinaryData? Content = null, string? ContentType = null, ComputeFailure? Failure = null)
{
    public static ComputeOutput Json<T>(T value) => new(JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web));
}

/// <param name="Code">A short machine-readable code, such as <c>budget-exhausted</c>.</param>
public sealed record ComputeFailure(string Code, string Message);
