using System.Text;
using Functions.Compute;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>
/// The HTTP face's front door: a greeting, the kinds of job the jobs API (<see cref="JobsFunction"/>) accepts, and the
/// API's OpenAPI document.
/// </summary>
public sealed class HelloFunction(ComputeKinds kinds, ApiDocument document)
{
    [Function(nameof(Hello))]
    public Results<TextOk, ProblemResult> Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Hello)] HttpRequest request) =>
        Greeting.For(request);

    [Function(nameof(ListKinds))]
    public JsonOk<List<KindDescription>> ListKinds([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Kinds)] HttpRequest request) =>
        new([.. kinds.All.Select(k => k.Description).OrderBy(d => d.Name, StringComparer.Ordinal)]);

    [Function(nameof(OpenApi))]
    public TextOk OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        new(document.ToJson(request), "application/json", Encoding.UTF8);
}
