using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>
/// An HTTP function's operation for the OpenAPI document, read from the function itself: its return type gives the
/// statuses and their bodies (each typed result's <see cref="IEndpointMetadataProvider"/>), the attributes beside its
/// trigger give the summary, description, parameters, request body, what each status means and its headers
/// (<see cref="ResponseAttribute"/> and the others in OpenApiAttributes.cs). A status the signature answers and no
/// attribute describes, or the other way round, is an error, so the two cannot drift apart.
/// </summary>
internal sealed partial class ApiOperations(ApiSchemas schemas, IReadOnlyDictionary<string, string> placeholders, int retryAfterSeconds)
{
    public JsonObject Describe(MethodInfo function)
    {
        var operation = new JsonObject
        {
            ["summary"] = Text(function.GetCustomAttribute<EndpointSummaryAttribute>()?.Summary ?? throw Missing(function, "[EndpointSummary]")),
            ["description"] = Text(function.GetCustomAttribute<EndpointDescriptionAttribute>()?.Description ?? throw Missing(function, "[EndpointDescription]")),
        };
        var parameters = function.GetCustomAttributes<ParameterAttribute>().Select(Parameter).ToArray();
        if (parameters.Length > 0) operation["parameters"] = new JsonArray(parameters);
        if (function.GetCustomAttribute<RequestBodyAttribute>() is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["description"] = Text(body.Description),
                ["required"] = true,
                ["content"] = new JsonObject { [ApiText.Json] = new JsonObject { ["schema"] = schemas.Body(body.Schema) } },
            };
        }

        operation["responses"] = Responses(function);
        if (function.GetCustomAttribute<PagedAttribute>() is { } paged)
        {
            var name = JobJson.Options.PropertyNamingPolicy!;
            operation["x-ms-pageable"] = new JsonObject { ["itemName"] = name.ConvertName(paged.ItemMember), ["nextLinkName"] = name.ConvertName(paged.NextLinkMember) };
        }

        return operation;
    }

    private JsonObject Responses(MethodInfo function)
    {
        var results = ResultTypes(function.ReturnType);
        var produced = Produced(function, results).ToLookup(p => p.StatusCode);
        var described = function.GetCustomAttributes<ResponseAttribute>().ToDictionary(r => r.Status);
        var contents = function.GetCustomAttributes<ResponseContentAttribute>().ToLookup(c => c.Status);
        if (produced.Select(p => p.Key).Except(described.Keys).FirstOrDefault() is var undescribed and not 0)
            throw Missing(function, $"[Response({undescribed}, …)] for the status its return type answers");
        if (described.Keys.Except(produced.Select(p => p.Key)).FirstOrDefault() is var unanswered and not 0)
            throw new InvalidOperationException($"{Name(function)} describes status {unanswered}, which its return type does not answer.");

        var responses = new JsonObject();
        foreach (var (status, response) in described)
        {
            var content = contents[status].Any()
                ? new JsonObject(contents[status].Select(c => KeyValuePair.Create(c.ContentType, (JsonNode?)new JsonObject { ["schema"] = schemas.Body(c.Schema) })))
                : Content(function, produced[status]);
            responses[Key(status)] = Response(response.Description, response.Headers, content);
        }

        var problems = function.GetCustomAttributes<ProblemResponseAttribute>().ToList();
        if (problems.Count > 0 && !results.Contains(typeof(ProblemResult)))
            throw new InvalidOperationException($"{Name(function)} describes problems, but its return type answers no {nameof(ProblemResult)}.");
        foreach (var problem in problems)
        {
            var content = new JsonObject { [Problems.ContentType] = new JsonObject { ["schema"] = ApiSchemas.RefTo(ApiSchemas.Problem) } };
            responses.Add(Key(problem.Status), Response(problem.Description, problem.Headers, content));
        }

        return responses;
    }

    /// <summary>The typed results a function answers: the members of its <c>Results&lt;…&gt;</c>, or its one result type.</summary>
    private static Type[] ResultTypes(Type returned)
    {
        if (returned.IsGenericType && returned.GetGenericTypeDefinition() == typeof(Task<>)) returned = returned.GetGenericArguments()[0];
        return returned.IsGenericType && returned.Namespace == typeof(Results<,>).Namespace && returned.Name.StartsWith("Results`", StringComparison.Ordinal)
            ? returned.GetGenericArguments()
            : [returned];
    }

    /// <summary>What each result type says it answers, as ASP.NET Core's minimal APIs read it for their own documents.</summary>
    private static IEnumerable<IProducesResponseTypeMetadata> Produced(MethodInfo function, Type[] results)
    {
        var builder = new MetadataCollector();
        foreach (var type in results.Where(typeof(IEndpointMetadataProvider).IsAssignableFrom))
            PopulateMethod.MakeGenericMethod(type).Invoke(null, [function, builder]);
        return builder.Metadata.OfType<IProducesResponseTypeMetadata>();
    }

    private static readonly MethodInfo PopulateMethod = typeof(ApiOperations).GetMethod(nameof(Populate), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void Populate<T>(MethodInfo function, EndpointBuilder builder) where T : IEndpointMetadataProvider => T.PopulateMetadata(function, builder);

    private JsonObject? Content(MethodInfo function, IEnumerable<IProducesResponseTypeMetadata> produced)
    {
        var content = new JsonObject();
        foreach (var answer in produced.Where(p => p.Type is not null && p.Type != typeof(void)))
        {
            if (answer.Type!.Assembly != typeof(ApiOperations).Assembly)
                throw Missing(function, $"[ResponseContent({answer.StatusCode}, …)] to name its {answer.Type.Name} body");
            foreach (var contentType in answer.ContentTypes) content[contentType] = new JsonObject { ["schema"] = schemas.Ref(answer.Type) };
        }

        return content.Count > 0 ? content : null;
    }

    private JsonObject Response(string description, string[] headers, JsonObject? content)
    {
        var response = new JsonObject { ["description"] = Text(description) };
        if (headers.Length > 0) response["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h, (JsonNode?)Header(h))));
        if (content is not null) response["content"] = content;
        return response;
    }

    private JsonObject Header(string name) => name switch
    {
        ApiText.RetryAfter => new JsonObject
        {
            ["description"] = "Seconds to wait before asking again.",
            ["schema"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["example"] = retryAfterSeconds },
        },
        ApiText.Location => new JsonObject
        {
            ["description"] = "The job's URL, relative to the app: /api/jobs/{id}.",
            ["schema"] = new JsonObject { ["type"] = "string" },
        },
        _ => throw new InvalidOperationException($"The document does not know the header '{name}'."),
    };

    private JsonObject Parameter(ParameterAttribute parameter)
    {
        var result = new JsonObject { ["name"] = parameter.Name, ["in"] = parameter.In.ToString().ToLowerInvariant() };
        if (parameter.In != ParameterIn.Header || parameter.Required) result["required"] = parameter.Required;
        result["description"] = Text(parameter.Description);
        result["schema"] = ParameterSchema(parameter);
        return result;
    }

    private JsonObject ParameterSchema(ParameterAttribute parameter)
    {
        if (parameter.Type.IsEnum) return schemas.Ref(parameter.Type);
        var schema = parameter.Type == typeof(int) ? new JsonObject { ["type"] = "integer", ["format"] = "int32" }
            : parameter.Type == typeof(string) ? new JsonObject { ["type"] = "string" }
            : throw new NotSupportedException($"The parameter '{parameter.Name}' is a {parameter.Type.Name}; the document says strings, ints and enums.");
        foreach (var (keyword, value) in parameter.Limits()) schema[keyword] = value;
        return schema;
    }

    /// <summary>An attribute's text with its placeholders, such as <c>{Jobs__MaxBodyBytes}</c>, replaced by their values.</summary>
    private string Text(string text) => Placeholder().Replace(text, match =>
        placeholders.TryGetValue(match.Groups[1].Value, out var value) ? value
        : match.Groups[1].Value.Contains("__", StringComparison.Ordinal) ? throw new InvalidOperationException($"The document has no value for {match.Value}.")
        : match.Value);

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    private static partial Regex Placeholder();

    private static string Key(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static string Name(MethodInfo function) => $"{function.DeclaringType!.Name}.{function.Name}";

    private static InvalidOperationException Missing(MethodInfo function, string what) => new($"{Name(function)} needs {what} for the OpenAPI document.");

    private sealed class MetadataCollector : EndpointBuilder
    {
        public override Endpoint Build() => throw new NotSupportedException();
    }
}
