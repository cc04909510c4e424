using Functions.Compute;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>
/// The HTTP face's front door: a greeting, the kinds of job the jobs API (<see cref="JobsFunction"/>) accepts, and the
/// API's OpenAPI document.
/// </summary>
public sealed class HelloFunction(ComputeKinds kinds, ApiDocument document)
{
    public const int MaxNameLength = 100;

    [Function(nameof(Hello))]
    public IResult Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Hello)] HttpRequest request)
    {
        var name = request.Query["name"].ToString();
        if (name.Length > MaxNameLength)
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid name", $"'name' must be at most {MaxNameLength} characters.", "name");
        return Results.Text($"Hello, {(name.Length == 0 ? "world" : name)}!", "text/plain; charset=utf-8");
    }

    [Function(nameof(ListKinds))]
    public IResult ListKinds([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Kinds)] HttpRequest request) =>
        Results.Json(kinds.All.Select(k => k.Description).OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), Jobs.JobJson.Options, "application/json");

    [Function(nameof(OpenApi))]
    public IResult OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        Results.Text(document.ToJson(request), "application/json", System.Text.Encoding.UTF8);
}
