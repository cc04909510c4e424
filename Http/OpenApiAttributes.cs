using System.Text.Json.Nodes;

namespace Functions.Http;

// What an HTTP function's signature cannot say, written beside its trigger for the OpenAPI document (ApiOperations).
// Descriptions may name settings and limits as placeholders, such as {Jobs__MaxBodyBytes}: the document shows the
// configured values (ApiDocument.Placeholders).

public enum ParameterIn
{
    Query,
    Header,
    Path,
}

/// <summary>A parameter the function reads: a query value, a header, or a route value.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ParameterAttribute(string name, ParameterIn location, string description) : Attribute
{
    private int? _minimum, _maximum, _minLength, _maxLength, _default;

    public string Name => name;

    public ParameterIn In => location;

    public string Description => description;

    public bool Required { get; set; }

    /// <summary>The value's type: <see cref="string"/>, <see cref="int"/>, or an enum of the app (a reference to its schema).</summary>
    public Type Type { get; set; } = typeof(string);

    public int Minimum { get => _minimum ?? 0; set => _minimum = value; }

    public int Maximum { get => _maximum ?? 0; set => _maximum = value; }

    public int MinLength { get => _minLength ?? 0; set => _minLength = value; }

    public int MaxLength { get => _maxLength ?? 0; set => _maxLength = value; }

    public int Default { get => _default ?? 0; set => _default = value; }

    public string? Pattern { get; set; }

    /// <summary>The limits given, in the order an OpenAPI schema spells them.</summary>
    internal IEnumerable<(string Keyword, JsonNode Value)> Limits()
    {
        if (_minimum is { } minimum) yield return ("minimum", JsonValue.Create(minimum));
        if (_maximum is { } maximum) yield return ("maximum", JsonValue.Create(maximum));
        if (_default is { } value) yield return ("default", JsonValue.Create(value));
        if (_minLength is { } minLength) yield return ("minLength", JsonValue.Create(minLength));
        if (_maxLength is { } maxLength) yield return ("maxLength", JsonValue.Create(maxLength));
        if (Pattern is { } pattern) yield return ("pattern", JsonValue.Create(pattern));
    }
}

/// <summary>What one of the statuses in the function's return type means, and the headers it carries.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseAttribute(int status, string description) : Attribute
{
    public int Status => status;

    public string Description => description;

    /// <summary>Headers of the answer: <c>Location</c>, <c>Retry-After</c>.</summary>
    public string[] Headers { get; set; } = [];
}

/// <summary>A status the function answers with a <see cref="ProblemResult"/>, and when.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProblemResponseAttribute(int status, string description) : Attribute
{
    public int Status => status;

    public string Description => description;

    public string[] Headers { get; set; } = [];
}

/// <summary>
/// A status's body as the document names it, where its type says too little: a text, a JSON value of any shape, a
/// kind's stored content. When a status has any, they replace the content its type gives.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseContentAttribute(int status, string contentType, string schema) : Attribute
{
    public int Status => status;

    public string ContentType => contentType;

    /// <summary>One of <see cref="ApiSchemas"/>' named bodies.</summary>
    public string Schema => schema;
}

/// <summary>The request's JSON body, one of <see cref="ApiSchemas"/>' named bodies.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequestBodyAttribute(string schema, string description) : Attribute
{
    public string Schema => schema;

    public string Description => description;
}

/// <summary>A listing paged the way Kiota and AutoRest read it: the member holding the items and the next page's link.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PagedAttribute(string itemMember, string nextLinkMember) : Attribute
{
    public string ItemMember => itemMember;

    public string NextLinkMember => nextLinkMember;
}
