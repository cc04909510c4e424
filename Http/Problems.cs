using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Functions.Http;

/// <summary>
/// An RFC 9457 problem: <c>application/problem+json</c> with status, title, detail and, where one field is at fault,
/// <c>field</c>. Its status is the instance's, so the statuses an endpoint's problems take are declared beside it with
/// <see cref="ProblemResponseAttribute"/>.
/// </summary>
public sealed class ProblemResult(ProblemDetails problem) : ApiResult<ProblemResult>, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    public ProblemDetails Value => problem;

    object? IValueHttpResult.Value => problem;

    public int? StatusCode => problem.Status;

    protected override IResult Body => Results.Json(problem, JobJson.Options, Problems.ContentType, problem.Status);
}

public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemResult Of(int status, string title, string detail, string? field = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null) problem.Extensions["field"] = field;
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[name] = value;
        return new ProblemResult(problem);
    }

    public static ProblemResult NotFound(string id) =>
        Of(StatusCodes.Status404NotFound, "Job not found", $"There is no job with id '{Truncate(id)}'.", "id");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
