using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using System.Text.Json;
using Functions.Compute;
using Functions.Jobs.Submit;
using Functions.Jobs;

namespace Functions.Http;

/// <summary>
/// The components of the OpenAPI document: the JSON schemas of the records the API writes, made by the framework's
/// <see cref="JsonSchemaExporter"/> from the types and the API's one JSON shape (<see cref="JobJson.Options"/>), so a
/// field added to a record appears by itself; each kind's input schema, made from its <see cref="KindDescription"/>;
/// and the problem. Written in OpenAPI 3.0's dialect (see <see cref="ApiDocument"/>): every object or enum type of the
/// app is one component named after the type, referenced where it is used.
/// </summary>
internal sealed partial class ApiSchemas
{
    public const string Problem = "Problem";

    // The named bodies: what the API takes or answers that is not one of its records (ResponseContentAttribute, RequestBodyAttribute).
    public const string Greeting = "Greeting";
    public const string KindList = "KindList";
    public const string OpenApiDocument = "OpenApiDocument";
    public const string JobRequest = "JobRequest";
    public const string JobResult = "JobResult";
    public const string Binary = "Binary";
    public const string EventStream = "EventStream";

    // OpenAPI 3.0's Schema Object fields that a kind's input field may carry; an InputField member of another name
    // is written as an x- extension, so a field added to InputField appears without being lost or making the schema invalid.
    private static readonly HashSet<string> FieldKeywords =
    [
        "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
        "maxItems", "minItems", "uniqueItems", "enum", "type", "items", "description", "format", "default", "example", "deprecated",
        "readOnly", "writeOnly",
    ];

    private readonly JsonSerializerOptions _options;
    private readonly JsonSchemaExporterOptions _exporter;
    private readonly SortedDictionary<string, JsonNode?> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _names = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<KindDescription> _kinds;

    public ApiSchemas(IReadOnlyList<KindDescription> kinds)
    {
        _kinds = kinds;
        // The schemas describe what the API writes. Nulls are left out, so a nullable member is an optional one and
        // no schema needs OpenAPI 3.0's "nullable". Numbers are written as numbers whatever the options read, so the
        // schemas are made with strict number handling (the Web defaults would allow strings, which the API never writes).
        if (JobJson.Options.DefaultIgnoreCondition != JsonIgnoreCondition.WhenWritingNull)
            throw new InvalidOperationException("The API's schemas assume that JobJson leaves out nulls and nothing else.");
        _options = new JsonSerializerOptions(JobJson.Options)
        {
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = JobJson.Options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(),
        };
        _options.MakeReadOnly();
        _exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Transform };
        _names[Problem] = typeof(Microsoft.AspNetCore.Mvc.ProblemDetails);
        _schemas[Problem] = ProblemSchema();
    }

    /// <summary>Every component made so far, by name.</summary>
    public JsonObject All => new(_schemas.Select(s => KeyValuePair.Create(s.Key, s.Value?.DeepClone())));

    /// <summary>A reference to the component of <paramref name="type"/>, made the first time it is asked for.</summary>
    public JsonObject Ref(Type type)
    {
        var name = type.Name;
        if (_names.TryGetValue(name, out var known) && known != type)
            throw new InvalidOperationException($"{type} and {known} would both be the component '{name}'.");
        if (_names.TryAdd(name, type))
        {
            _schemas[name] = null; // taken, so a type that contains itself refers to itself
            _schemas[name] = _options.GetJsonSchemaAsNode(type, _exporter);
        }

        return RefTo(name);
    }

    public static JsonObject RefTo(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    /// <summary>A component of another kind than a record's, such as a plain string for a text body.</summary>
    public JsonObject Named(string name, JsonObject schema)
    {
        if (_names.TryAdd(name, typeof(JsonObject))) _schemas[name] = schema;
        else if (!JsonNode.DeepEquals(_schemas[name], schema)) throw new InvalidOperationException($"The component '{name}' is named twice.");
        return RefTo(name);
    }

    /// <summary>A reference to one of the named bodies, made the first time it is asked for.</summary>
    public JsonObject Body(string name) => name switch
    {
        Greeting => Named(name, new JsonObject { ["type"] = "string" }),
        KindList => Named(name, new JsonObject { ["type"] = "array", ["items"] = Ref(typeof(KindDescription)) }),
        OpenApiDocument => Named(name, new JsonObject { ["type"] = "object", ["description"] = $"An OpenAPI {ApiDocument.OpenApiVersion} document." }),
        JobRequest => JobRequestBody(),
        JobResult => Named(name, new JsonObject { ["description"] = "The result's JSON value; its shape depends on the kind." }),
        Binary => Named(name, new JsonObject { ["type"] = "string", ["format"] = "binary" }),
        EventStream => Named(name, new JsonObject { ["type"] = "string", ["format"] = "binary", ["description"] = "Server-Sent Events (text/event-stream), read as it comes." }),
        _ => throw new InvalidOperationException($"There is no named body '{name}'."),
    };

    /// <summary>The submit's body: one of the kinds' job requests, told apart by <c>kind</c>.</summary>
    private JsonObject JobRequestBody()
    {
        var requests = _kinds.OrderBy(k => k.Name, StringComparer.Ordinal).Select(k => (k.Name, Ref: KindRequest(k))).ToList();
        return Named(JobRequest, new JsonObject
        {
            ["description"] = "A job: a kind and its input.",
            ["oneOf"] = new JsonArray([.. requests.Select(r => (JsonNode)r.Ref)]),
            ["discriminator"] = new JsonObject
            {
                ["propertyName"] = "kind",
                ["mapping"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)r.Ref["$ref"]!.DeepClone()))),
            },
        });
    }

    /// <summary>
    /// A kind's input schema and its job request (<c>{"kind": name, "input": …}</c>), from its description: each
    /// field's type, limits and default, the required ones, and the kind's example.
    /// </summary>
    private JsonObject KindRequest(KindDescription kind)
    {
        var name = string.Concat(kind.Name.Split('-', '_', '.', ' ').Select(part => part.Length == 0 ? "" : char.ToUpperInvariant(part[0]) + part[1..]));
        var properties = new JsonObject();
        foreach (var field in kind.Input) properties[field.Name] = FieldSchema(field);
        var input = new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"The input of a {kind.Name} job. Fields not named here are ignored.",
            ["properties"] = properties,
        };
        var required = kind.Input.Where(f => f.Required).Select(f => (JsonNode)f.Name).ToArray();
        if (required.Length > 0) input["required"] = new JsonArray(required);
        input["example"] = JsonSerializer.SerializeToNode(kind.Example, JobJson.Options);

        var request = new JsonObject
        {
            ["type"] = "object",
            ["description"] = kind.Summary,
            ["properties"] = new JsonObject
            {
                ["kind"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(kind.Name) },
                ["input"] = Named($"{name}Input", input),
                ["callback"] = Callback(),
            },
            ["required"] = new JsonArray("kind", "input"),
            ["additionalProperties"] = false,
            ["example"] = new JsonObject { ["kind"] = kind.Name, ["input"] = JsonSerializer.SerializeToNode(kind.Example, JobJson.Options) },
        };
        return Named($"{name}JobRequest", request);
    }

    private static JsonObject FieldSchema(InputField field)
    {
        var schema = new JsonObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(field, JobJson.Options)!.AsObject())
        {
            if (key is "name" or "required") continue;
            schema[FieldKeywords.Contains(key) ? key : "x-" + key] = value?.DeepClone();
        }

        schema["format"] ??= field.Type switch
        {
            "integer" => field.Minimum >= int.MinValue && field.Maximum <= int.MaxValue ? "int32" : "int64",
            "number" => "double",
            _ => null,
        };
        if (schema["format"] is null) schema.Remove("format");
        return schema;
    }

    /// <summary>Turns the exporter's JSON Schema (2020-12) into OpenAPI 3.0's dialect, and app types into references.</summary>
    private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
    {
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        if (context.Path.Length > 0 && IsComponent(type, context.TypeInfo)) return Ref(type);

        // "true" (any value, as for JsonElement) is {} in OpenAPI 3.0, where a schema is always an object.
        if (node is not JsonObject schema) return new JsonObject();
        if (schema["type"] is JsonArray types)
        {
            var named = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            schema["type"] = named.Count == 1 ? named[0] : throw new NotSupportedException($"{type} has a schema of several types, which OpenAPI 3.0 cannot say.");
        }

        if (schema["enum"] is JsonArray values)
        {
            foreach (var nullValue in values.Where(v => v is null).ToList()) values.Remove(nullValue);
            if (schema["type"] is null && values.All(v => v?.GetValueKind() == JsonValueKind.String)) schema["type"] = "string";
        }

        var format = Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 => "int32",
            TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "int64",
            TypeCode.Single => "float",
            TypeCode.Double or TypeCode.Decimal => "double",
            _ => null,
        };
        if (format is not null && schema["format"] is null && schema["type"]?.GetValue<string>() is "integer" or "number") schema["format"] = format;

        // The exporter gives a constructor parameter's default; it says how a record is read, and the API only writes them.
        schema.Remove("default");

        // A member is always written unless it can be null (nulls are left out): exactly those are required.
        if (context.PropertyInfo is null && context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            var required = context.TypeInfo.Properties.Where(p => p.Get is not null && !p.IsGetNullable).Select(p => (JsonNode)p.Name).ToArray();
            if (required.Length > 0) schema["required"] = new JsonArray(required);
            else schema.Remove("required");
        }

        return schema;
    }

    private static bool IsComponent(Type type, JsonTypeInfo info) =>
        type.Assembly == typeof(ApiSchemas).Assembly && (info.Kind == JsonTypeInfoKind.Object || type.IsEnum);

    /// <summary>
    /// RFC 9457 as <see cref="Problems"/> writes it, with the members the app adds: the field at fault, the job a
    /// submit may have made, and the checks of a failed health probe.
    /// </summary>
    private JsonObject ProblemSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "An error, as application/problem+json (RFC 9457).",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["description"] = "A URI that names the kind of problem." },
            ["title"] = new JsonObject { ["type"] = "string", ["description"] = "A short summary of the problem." },
            ["status"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "The HTTP status code." },
            ["detail"] = new JsonObject { ["type"] = "string", ["description"] = "What went wrong with this request." },
            ["instance"] = new JsonObject { ["type"] = "string" },
            ["field"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "Where one thing is at fault, what: a body member (body, kind, input, input.limit, …), a query value (wait, top, …), a header (Idempotency-Key, Content-Type) or the job id (id).",
            },
            ["jobId"] = new JsonObject { ["type"] = "string", ["description"] = "503 'Job may exist': the id of the job the submit may have made." },
            ["statusUrl"] = new JsonObject { ["type"] = "string", ["description"] = "503 'Job may exist': where to look that job up." },
            ["queue"] = Ref(typeof(Health.StorageCheck)),
            ["table"] = Ref(typeof(Health.StorageCheck)),
        },
        ["required"] = new JsonArray("title", "status", "detail"),
    };
}
