using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>
/// An answer of the API: one of ASP.NET Core's results, written after the headers the answer carries (such as
/// <c>Location</c> or <c>Retry-After</c>). Each subclass names its status in its type, so an endpoint's signature says
/// what it answers, and the OpenAPI document reads it from there (<see cref="ApiOperations"/>).
/// </summary>
public abstract class ApiResult<TSelf> : IResult where TSelf : ApiResult<TSelf>
{
    protected const string Json = ApiText.Json;

    private readonly List<KeyValuePair<string, string>> _headers = [];

    public TSelf WithHeader(string name, string value)
    {
        _headers.Add(KeyValuePair.Create(name, value));
        return (TSelf)this;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        foreach (var (name, value) in _headers) httpContext.Response.Headers[name] = value;
        return Body.ExecuteAsync(httpContext);
    }

    /// <summary>The result that writes the status and body.</summary>
    protected abstract IResult Body { get; }
}
