using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>One of ASP.NET Core's results with a header added, such as <c>Location</c> or <c>Retry-After</c>.</summary>
public sealed class HeaderResult(IResult inner, string name, string value) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}

public static class HeaderResultExtensions
{
    public static IResult WithHeader(this IResult result, string name, string value) => new HeaderResult(result, name, value);
}
