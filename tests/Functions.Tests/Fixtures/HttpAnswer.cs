using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Functions.Tests.Fixtures;

/// <summary>What an HTTP function answered: status, headers and body.</summary>
public sealed record HttpAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static HttpAnswer From(HttpResponse response)
    {
        var body = ((MemoryStream)response.Body).ToArray();
        var headers = response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new HttpAnswer(response.StatusCode, headers, response.ContentType, body);
    }
}
