using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Functions.Http;

/// <summary>The greeting of <c>GET /api/hello?name=</c>: a smoke test of the app.</summary>
public static class Greeting
{
    public const int MaxNameLength = 100;

    public static Results<TextOk, ProblemResult> For(HttpRequest request)
    {
        var name = request.Query["name"].ToString();
        if (name.Length > MaxNameLength)
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid name", $"'name' must be at most {MaxNameLength} characters.", "name");
        return new TextOk($"Hello, {(name.Length == 0 ? "world" : name)}!", "text/plain; charset=utf-8");
    }
}
