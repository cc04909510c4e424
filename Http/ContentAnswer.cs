using Microsoft.AspNetCore.Mvc;

namespace Functions.Http;

/// <summary>An HTTP 200 answer carrying stored result content, such as a PNG.</summary>
public sealed class ContentAnswer(BinaryData content, string contentType) : IActionResult
{
    public BinaryData Content => content;

    public string ContentType => contentType;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.ContentLength = content.ToMemory().Length;
        await response.Body.WriteAsync(content.ToMemory(), context.HttpContext.RequestAborted);
    }
}
