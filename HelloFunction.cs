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
    [EndpointSummary("Greet"), EndpointDescription("A greeting as text: a smoke test of the app.")]
    [Parameter("name", ParameterIn.Query, "Who to greet (default: world).", MaxLength = Greeting.MaxNameLength)]
    [Response(200, "The greeting, such as 'Hello, Ada!'."), ResponseContent(200, "text/plain", ApiSchemas.Greeting)]
    [ProblemResponse(400, "'name' is longer than {MaxNameLength} characters.")]
    public Results<TextOk, ProblemResult> Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Hello)] HttpRequest request) =>
        Greeting.For(request);

    [Function(nameof(ListKinds))]
    [EndpointSummary("List the kinds of job")]
    [EndpointDescription("Each kind with its summary, its input fields (type, limits, default, whether required) and an example input. " +
        "The same descriptions make each kind's input schema in this document (PrimesInput, …).")]
    [Response(200, "The kinds, by name."), ResponseContent(200, ApiText.Json, ApiSchemas.KindList)]
    public JsonOk<List<KindDescription>> ListKinds([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Kinds)] HttpRequest request) =>
        new([.. kinds.All.Select(k => k.Description).OrderBy(d => d.Name, StringComparer.Ordinal)]);

    [Function(nameof(OpenApi))]
    [EndpointSummary("This document"), EndpointDescription("The API's OpenAPI {OpenApiVersion} document, made from the code that serves it.")]
    [Response(200, "The OpenAPI document."), ResponseContent(200, ApiText.Json, ApiSchemas.OpenApiDocument)]
    public TextOk OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        new(document.ToJson(request), ApiText.Json, Encoding.UTF8);
}
