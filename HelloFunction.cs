using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

public sealed class HelloFunction
{
    [Function("Hello")]
    public IActionResult Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hello")] HttpRequest request)
        => new OkObjectResult("Hello");
}
