using System.Text.Json;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Functions.Http;

/// <summary>An HTTP answer: a status, headers and a body written in the API's one JSON shape.</summary>
public sealed class JsonAnswer(int status, object? body, string contentType = "application/json") : IActionResult
{
    public int StatusCode => status;

    public object? Body => body;

    public Dictionary<string, string> Headers { get; } = [];

    public JsonAnswer WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        if (body is null) return;
        response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), JobJson.Options, context.HttpContext.RequestAborted);
    }

    /// <summary>An RFC 9457 problem: <c>application/problem+json</c> naming the field at fault, when there is one.</summary>
    public static JsonAnswer Problem(int status, string title, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null) problem.Extensions["field"] = field;
        return new JsonAnswer(status, problem, "application/problem+json");
    }

    public static JsonAnswer NotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "Job not found", $"There is no job with id '{Truncate(id)}'.", "id");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
