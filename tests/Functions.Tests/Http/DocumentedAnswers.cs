using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Sdk;

namespace Functions.Tests.Http;

/// <summary>
/// Holds each answer the fixtures serve to the app's own OpenAPI document: the operation must be there, the status
/// listed for it, the content type one of that status's, and a JSON body (where the fixture can read it) valid against
/// its schema. <see cref="Fixtures.HttpFunctions"/> calls it for every request it serves, so an answer the document does
/// not describe fails the test that provoked it, whatever the order the tests run in and whether or not that test looks
/// at the status: no list gathered over the run, no test that must run last.
/// </summary>
public static class DocumentedAnswers
{
    // Each app builds its own document (a test may register kinds of its own); apps with the same kinds share one parse.
    private static readonly ConditionalWeakTable<ApiDocument, Described> ByApp = [];
    private static readonly ConcurrentDictionary<string, Lazy<Task<NSwag.OpenApiDocument>>> Parsed = new(StringComparer.Ordinal);

    /// <summary>Every fixture of this test run checks its answers here, from the moment the test assembly loads.</summary>
#pragma warning disable CA2255 // A test assembly, not a library: the check must be on before any test serves a request.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void CheckEveryAnswer() => Fixtures.HttpFunctions.CheckAnswer = CheckAsync;

    public static async Task CheckAsync(IServiceProvider services, string template, string method, HttpResponse response)
    {
        if (template == Routes.Dashboard) return; // the site's root, not the API: the document says so in its description
        var described = ByApp.GetValue(services.GetRequiredService<ApiDocument>(), document => new Described(document.ToJson()));
        var path = "/" + template;
        var verb = method.ToLowerInvariant();
        var status = response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var operation = described.Json["paths"]?[path]?[verb]
            ?? throw new XunitException($"{method} {path} is served but the OpenAPI document does not describe it.");
        var responses = operation["responses"]!.AsObject();
        var answer = responses[status]
            ?? throw new XunitException($"{method} {path} answered {status}, which the OpenAPI document does not list (it lists {string.Join(", ", responses.Select(r => r.Key))}).");

        var mediaType = response.ContentType?.Split(';')[0].Trim();
        var body = response.Body as MemoryStream;
        if (answer["content"] is not JsonObject content)
        {
            if (!string.IsNullOrEmpty(mediaType) || body?.Length > 0)
                throw new XunitException($"{method} {path} answered {status} with a body ({mediaType}), which the OpenAPI document says has none.");
            return;
        }

        var documented = content.Select(c => c.Key).FirstOrDefault(type => type.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            ?? throw new XunitException($"{method} {path} answered {status} as {mediaType ?? "nothing"}; the OpenAPI document lists {string.Join(", ", content.Select(c => c.Key))}.");
        if (body is null || !documented.EndsWith("json", StringComparison.OrdinalIgnoreCase)) return;

        var schema = (await described.NSwag).Paths[path][verb].Responses[status].Content[documented].Schema;
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        var errors = schema.Validate(text);
        if (errors.Count > 0)
            throw new XunitException($"{method} {path} answered {status} with a body its schema in the OpenAPI document does not allow: {string.Join("; ", errors)}\n{text}");
    }

    private sealed class Described(string json)
    {
        public JsonNode Json { get; } = JsonNode.Parse(json)!;

        public Task<NSwag.OpenApiDocument> NSwag => Parsed.GetOrAdd(json, text => new(() => global::NSwag.OpenApiDocument.FromJsonAsync(text))).Value;
    }
}
