using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text.RegularExpressions;
using Functions.Compute;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Functions.Http;

/// <summary>One HTTP function as its trigger attribute declares it.</summary>
public sealed record HttpFunction(string Name, string Group, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel, MethodInfo Method)
{
    /// <summary>The URL path the host serves it at: the route prefix, when there is one, then the route.</summary>
    public string Path => "/" + (Routes.Prefix.Length == 0 ? Route : $"{Routes.Prefix}/{Route}");
}

/// <summary>
/// The API's OpenAPI document (<c>GET /api/openapi.json</c>), made from the code so that it cannot drift from it: the
/// paths, methods and auth levels from the functions' trigger attributes and <see cref="Routes"/>, the schemas from the
/// records and the kinds' descriptions (<see cref="ApiSchemas"/>), each operation from its function's return type and the
/// attributes beside its trigger (<see cref="ApiOperations"/>), with the configured values in their descriptions.
/// OpenAPI 3.0.3: the newest version that Azure API Management imports with full fidelity (it takes 3.1 "import only"),
/// and one that Kiota, NSwag and AutoRest all read.
/// </summary>
public sealed partial class ApiDocument
{
    public const string OpenApiVersion = "3.0.3";

    private static readonly JsonSerializerOptions Writing = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<JsonObject> _document;

    public ApiDocument(ComputeKinds kinds, IOptions<SubmitOptions> submit, IOptions<WatchOptions> watch) =>
        _document = new(() => Build(kinds, submit.Value, watch.Value));

    private static JsonObject Build(ComputeKinds kinds, SubmitOptions submit, WatchOptions watch)
    {
        var schemas = new ApiSchemas([.. kinds.All.Select(k => k.Description)]);
        var operations = new ApiOperations(schemas, Placeholders(submit, watch), watch.RetryAfterSeconds);
        var paths = new JsonObject();
        foreach (var function in Functions().OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var path = paths[function.Path] as JsonObject ?? new JsonObject();
            paths[function.Path] = path;
            foreach (var method in function.Methods)
            {
                var operation = operations.Describe(function.Method);
                var described = new JsonObject
                {
                    // A function serves one method here; one that served more would need an id for each.
                    ["operationId"] = function.Methods.Count == 1 ? function.Name : $"{function.Name}_{method}",
                    ["tags"] = new JsonArray(function.Group),
                };
                foreach (var (key, value) in operation) described[key] = value?.DeepClone();
                described["security"] = Security(function.AuthLevel);
                if (function.AuthLevel != AuthorizationLevel.Anonymous)
                {
                    described["responses"]!["401"] = new JsonObject
                    {
                        ["description"] = "No function key, or a wrong one (x-functions-key or ?code=): answered by the Functions host in Azure, without a body.",
                    };
                }

                var responses = described["responses"]!.AsObject().OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                described["responses"] = new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key, r.Value?.DeepClone())));
                path[method] = described;
            }
        }

        return new JsonObject
        {
            ["openapi"] = OpenApiVersion,
            ["info"] = new JsonObject
            {
                ["title"] = "Compute functions",
                ["version"] = typeof(ApiDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0",
                ["description"] = Description,
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.All,
                ["securitySchemes"] = new JsonObject
                {
                    [FunctionKey] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = "x-functions-key",
                        ["description"] = "A function key (or a host key) of the app in Azure. A local run needs none.",
                    },
                    [FunctionCode] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "query",
                        ["name"] = "code",
                        ["description"] = "The same key as the query value ?code=.",
                    },
                },
            },
        };
    }

    /// <summary>The values the operations' descriptions name, such as <c>{Jobs__MaxBodyBytes}</c>: settings as configured, and limits.</summary>
    private static Dictionary<string, string> Placeholders(SubmitOptions submit, WatchOptions watch) => new Dictionary<string, object>
    {
        ["Jobs__MaxBodyBytes"] = submit.MaxBodyBytes,
        ["Jobs__MaxJobCoreSeconds"] = submit.MaxJobCoreSeconds,
        ["Jobs__MaxQueueDepth"] = submit.MaxQueueDepth,
        ["Jobs__MaxQueuedCoreSeconds"] = submit.MaxQueuedCoreSeconds,
        ["Jobs__MaxWaitSeconds"] = watch.MaxWaitSeconds,
        ["Jobs__MaxStreamSeconds"] = watch.MaxStreamSeconds,
        ["MaxNameLength"] = Greeting.MaxNameLength,
        ["MaxWatchedJobs"] = JobEvents.MaxJobs,
        ["EventMinGapMilliseconds"] = JobEventStream.MinGap.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
        ["EventHeartbeatSeconds"] = JobEventStream.Heartbeat.TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
        ["OpenApiVersion"] = OpenApiVersion,
    }.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)!, StringComparer.Ordinal);

    private const string FunctionKey = "functionKey";
    private const string FunctionCode = "functionCode";

    private const string Description =
        "The jobs API of the Compute functions app: submit a CPU-heavy job (POST /api/jobs), then poll it (GET /api/jobs/{id}), " +
        "hold a request until it finishes (?wait=), watch it as Server-Sent Events, get its result, cancel it, or list jobs. " +
        "GET /api/kinds lists the kinds of job and their inputs; each kind's input is also a schema here (PrimesInput, …).\n\n" +
        "Every error is application/problem+json (the Problem schema) with status, title, detail and, where one thing is at fault, " +
        "field. Answers that ask the caller to come back (202, 503) carry Retry-After in seconds. In Azure the job endpoints need a " +
        "function key, as the x-functions-key header or ?code=; a local run needs none.\n\n" +
        "The site's root (/) and its files are the dashboard, a web page the same app serves; it is not part of this API.";

    /// <summary>The document, with the server the caller reached when the request names its host.</summary>
    public string ToJson(HttpRequest? request = null)
    {
        var document = (JsonObject)_document.Value.DeepClone();
        if (request?.Host.HasValue == true)
        {
            // Behind Azure's front end the worker sees http; the front end says what the caller used.
            var forwarded = request.Headers["X-Forwarded-Proto"].FirstOrDefault();
            var scheme = forwarded is "http" or "https" ? forwarded : request.Scheme;
            var server = new JsonObject { ["url"] = $"{scheme}://{request.Host}{request.PathBase}" };
            document.Insert(document.IndexOf("paths"), "servers", new JsonArray(server));
        }

        return document.ToJsonString(Writing);
    }

    /// <summary>The HTTP functions of the API: every one whose route is under <c>api/</c> (the dashboard's is not).</summary>
    public static IReadOnlyList<HttpFunction> Functions() =>
        [.. typeof(ApiDocument).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Select(method => (
                Method: method,
                Name: method.GetCustomAttribute<FunctionAttribute>()?.Name,
                Group: method.DeclaringType!.Name.Replace("Function", "", StringComparison.Ordinal),
                Trigger: method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().SingleOrDefault()))
            .Where(f => f.Name is not null && f.Trigger?.Route is { } route && route.StartsWith(Routes.Api + "/", StringComparison.Ordinal))
            .Select(f => new HttpFunction(f.Name!, f.Group, Checked(f.Trigger!.Route!), [.. (f.Trigger.Methods ?? []).Select(m => m.ToLowerInvariant())], f.Trigger.AuthLevel, f.Method))];

    private static JsonArray Security(AuthorizationLevel level) => level switch
    {
        AuthorizationLevel.Anonymous => [],
        AuthorizationLevel.Function => [new JsonObject { [FunctionKey] = new JsonArray() }, new JsonObject { [FunctionCode] = new JsonArray() }],
        _ => throw new NotSupportedException($"The document says nothing of auth level {level}."),
    };

    /// <summary>A route as OpenAPI can spell it: segments and plain <c>{name}</c> parameters, no constraints or optional parts.</summary>
    private static string Checked(string route) =>
        PlainRoute().IsMatch(route) ? route : throw new NotSupportedException($"The route '{route}' has parts an OpenAPI path cannot say.");

    [GeneratedRegex(@"^([A-Za-z0-9._~-]+|\{[A-Za-z][A-Za-z0-9]*\})(/([A-Za-z0-9._~-]+|\{[A-Za-z][A-Za-z0-9]*\}))*$")]
    private static partial Regex PlainRoute();
}
