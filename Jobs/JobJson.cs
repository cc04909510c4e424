using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.Jobs;

/// <summary>The one JSON shape of the API and the queue: camelCase, nulls left out, enums as strings.</summary>
public static class JobJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
