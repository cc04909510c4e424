using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Functions.Http;

/// <summary>RFC 9457 problems: <c>application/problem+json</c> with status, title, detail and, where one field is at fault, <c>field</c>.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Of(int status, string title, string detail, string? field = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null) problem.Extensions["field"] = field;
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[name] = value;
        return Results.Json(problem, JobJson.Options, ContentType, status);
    }

    public static IResult NotFound(string id) =>
        Of(StatusCodes.Status404NotFound, "Job not found", $"There is no job with id '{Truncate(id)}'.", "id");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
