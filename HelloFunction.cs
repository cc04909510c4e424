using Functions.Compute;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>The HTTP face's front door: a greeting, and the kinds of job the jobs API (<see cref="JobsFunction"/>) accepts.</summary>
public sealed class HelloFunction(ComputeKinds kinds)
{
    private const int MaxNameLength = 100;

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
}
