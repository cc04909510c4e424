using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeFunctions.Client;

/// <summary>The API's JSON: camelCase, nulls left out; unknown properties are skipped, so newer servers still read.</summary>
internal static class JobsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
