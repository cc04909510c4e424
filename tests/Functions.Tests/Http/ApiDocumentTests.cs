using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Http;
using Functions.Tests.Fixtures;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Functions.Tests.Http;

/// <summary>
/// The OpenAPI document at <c>/api/openapi.json</c>: it reads without a complaint in the libraries the common tools
/// use, it describes every HTTP function the build declares, and it keeps to what API Management imports. That every
/// answer the tests see is described in it is checked by <see cref="DocumentedAnswers"/>, for every request.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed partial class ApiDocumentTests : IAsyncLifetime
{
    // Reading the document needs no storage: the app's clients do not connect until they are used.
    private readonly FunctionApp _app = new("UseDevelopmentStorage=true");
    private string _json = "";

    public async Task InitializeAsync()
    {
        var answer = await _app.GetAsync(Routes.OpenApiPath);
        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType);
        _json = answer.Text;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private JsonObject Document => JsonNode.Parse(_json)!.AsObject();

    [Fact]
    public void Document_ParsesWithMicrosoftOpenApi_WithoutErrorsOrWarnings()
    {
        var (document, diagnostic) = OpenApiDocument.Parse(_json, "json");

        Assert.Empty(diagnostic!.Errors.Select(e => e.ToString()));
        Assert.Empty(diagnostic.Warnings.Select(w => w.ToString()));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, diagnostic.SpecificationVersion);
        Assert.Empty(document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.Equal(ApiDocument.Functions().Sum(f => f.Methods.Count), document!.Paths!.Sum(p => p.Value?.Operations?.Count ?? 0));
    }

    [Fact]
    public async Task Document_IsReadByNSwag()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(_json);

        Assert.Equal(NJsonSchema.SchemaType.OpenApi3, document.SchemaType);
        Assert.Equal(ApiDocument.Functions().Select(f => f.Name).Order(), document.Operations.Select(o => o.Operation.OperationId).Order());
    }

    [Fact]
    public void EveryHttpFunctionInFunctionsMetadata_IsDescribedWithItsMethodsAndAuthLevel()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();
        var http = metadata
            .Select(f => (Name: f!["name"]!.GetValue<string>(), Trigger: f["bindings"]!.AsArray().SingleOrDefault(b => b!["type"]!.GetValue<string>() == "httpTrigger")))
            .Where(f => f.Trigger is not null)
            .ToList();
        var paths = Document["paths"]!.AsObject();
        static string OperationId(JsonNode operation) => operation["operationId"]!.GetValue<string>();

        var described = new List<string>();
        foreach (var (name, trigger) in http)
        {
            var route = trigger!["route"]!.GetValue<string>();
            if (paths[$"/{route}"] is not JsonObject path) continue;
            var methods = trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
            foreach (var method in methods)
            {
                var operation = path[method]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{name}: {method} /{route} is not described.");
                Assert.Equal(methods.Count == 1 ? name : $"{name}_{method}", OperationId(operation));
                var security = operation["security"]!.AsArray().Select(s => s!.AsObject().Single().Key).ToList();
                var authLevel = trigger["authLevel"]!.GetValue<string>();
                if (authLevel == "Anonymous")
                {
                    Assert.Empty(security);
                    Assert.Null(operation["responses"]!["401"]);
                }
                else
                {
                    Assert.Equal("Function", authLevel);
                    Assert.Equal(["functionKey", "functionCode"], security);
                    Assert.NotNull(operation["responses"]!["401"]);
                }
            }

            described.AddRange(methods.Select(_ => name));
        }

        // The dashboard alone is left out (the document's description says the root is the dashboard), and nothing
        // is described that the build does not declare.
        Assert.Equal([nameof(DashboardFunction.Dashboard)], http.Select(f => f.Name).Except(described));
        Assert.Equal(described.Order(), paths.SelectMany(p => p.Value!.AsObject().Select(o => OperationId(o.Value!).Split('_')[0])).Order());
        Assert.Matches(@"root \(/\).* the dashboard", Document["info"]!["description"]!.GetValue<string>());
        var schemes = Document["components"]!["securitySchemes"]!;
        Assert.Equal("x-functions-key", schemes["functionKey"]!["name"]!.GetValue<string>());
        Assert.Equal("header", schemes["functionKey"]!["in"]!.GetValue<string>());
    }

    /// <summary>
    /// API Management's import restrictions (learn.microsoft.com, "API import restrictions and known issues"): OpenAPI
    /// up to 3.0.3 fully; body schemas referenced from components, not inline; no components but schemas (and security
    /// schemes, which it ignores); no recursive schemas; required path and query parameter names unique in a URL template.
    /// </summary>
    [Fact]
    public void Document_KeepsToWhatApiManagementImports()
    {
        var document = Document;
        Assert.Equal("3.0.3", document["openapi"]!.GetValue<string>());
        Assert.Equal(["schemas", "securitySchemes"], document["components"]!.AsObject().Select(c => c.Key));

        var operationIds = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                operationIds.Add(ApiManagementName(operation!["operationId"]!.GetValue<string>()));
                var bodies = (operation["requestBody"]?["content"]?.AsObject() ?? [])
                    .Concat(operation["responses"]!.AsObject().SelectMany(r => r.Value!["content"]?.AsObject() ?? []));
                Assert.All(bodies, body => Assert.Equal(["$ref"], body.Value!["schema"]!.AsObject().Select(k => k.Key)));
                var parameters = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() is "path" or "query" && p["required"]?.GetValue<bool>() == true);
                Assert.Equal(parameters.Count(), parameters.Select(p => p!["name"]!.GetValue<string>().ToLowerInvariant()).Distinct().Count());
                Assert.All(operation["parameters"]?.AsArray() ?? [], p => Assert.Null(p!["style"] ?? p["explode"] ?? p["allowEmptyValue"]));
                Assert.All(PathParameters().Matches(path).Select(m => m.Groups[1].Value), name =>
                    Assert.Contains(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == name && p["in"]!.GetValue<string>() == "path"));
                _ = method;
            }
        }

        Assert.Equal(operationIds.Count, operationIds.Distinct().Count());
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (name, _) in schemas) Assert.False(RefersTo(schemas, name, name, []), $"{name} refers to itself.");
    }

    [Fact]
    public async Task Served_NamesTheServerTheCallerReached()
    {
        await using var server = await _app.ServeAsync();
        using var client = server.CreateClient();

        var direct = JsonNode.Parse(await client.GetStringAsync(Routes.OpenApiPath))!;
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, Routes.OpenApiPath) { Headers = { { "X-Forwarded-Proto", "https" } } };
        var behindFrontEnd = JsonNode.Parse(await (await client.SendAsync(forwarded)).Content.ReadAsStringAsync())!;

        Assert.Equal(server.BaseAddress.GetLeftPart(UriPartial.Authority), direct["servers"]![0]!["url"]!.GetValue<string>());
        Assert.Equal($"https://{server.BaseAddress.Authority}", behindFrontEnd["servers"]![0]!["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Routes.OpenApiPath)).StatusCode);
    }

    /// <summary>API Management's resource name for an operation id: lower case, runs of other characters as one dash.</summary>
    private static string ApiManagementName(string operationId) => NotAlphanumeric().Replace(operationId.ToLowerInvariant(), "-").Trim('-');

    private static bool RefersTo(JsonObject schemas, string from, string target, HashSet<string> seen)
    {
        if (!seen.Add(from)) return false;
        var refs = Refs(schemas[from]).ToList();
        return refs.Contains(target) || refs.Any(r => RefersTo(schemas, r, target, seen));
    }

    private static IEnumerable<string> Refs(JsonNode? node) => node switch
    {
        JsonObject o when o["$ref"] is JsonValue r => [r.GetValue<string>().Split('/')[^1]],
        JsonObject o => o.SelectMany(p => Refs(p.Value)),
        JsonArray a => a.SelectMany(Refs),
        _ => [],
    };

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathParameters();
}
