using System.Text.Json;

namespace Functions.Compute;

/// <summary>
/// What a job produces: a JSON value (shown in the job status) and optionally binary content
/// such as a PNG, stored as a blob and served by <c>GET /api/jobs/{id}/result</c>.
/// </summary>
public sealed record ComputeOutput(JsonElement Value, BinaryData? Content = null, string? ContentType = null)
{
    public static ComputeOutput Json<T>(T value) => new(JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web));
}
