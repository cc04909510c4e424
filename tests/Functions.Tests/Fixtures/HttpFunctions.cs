using System.Reflection;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The app's HTTP functions as the host routes them: every <c>[Function]</c> method with an <c>[HttpTrigger]</c>, on
/// <c>{routePrefix}/{route}</c> (just <c>{route}</c> with an empty prefix) for its methods, with its parameters bound as
/// the worker binds them (the request, route values by name, the invocation's cancellation token). Read from the
/// attributes, so the tests follow the code.
/// </summary>
public sealed class HttpFunctions
{
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<Endpoint> _endpoints;
    private readonly Dictionary<Type, object> _instances = [];

    /// <summary>
    /// Runs on every answer served, after it is written: the test project holds each one to the app's OpenAPI document
    /// (<c>Http/DocumentedAnswers.cs</c>); the benchmarks, which link this file, check nothing.
    /// </summary>
    public static Func<IServiceProvider, string, string, HttpResponse, Task>? CheckAnswer { get; set; }

    public HttpFunctions(IServiceProvider services)
    {
        _services = services;
        _endpoints = typeof(HelloFunction).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Where(method => method.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(method => (Method: method, Trigger: method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().SingleOrDefault()))
            .Where(f => f.Trigger is not null)
            .Select(f => new Endpoint(f.Method, f.Trigger!.Methods ?? [], Template(f.Trigger.Route), new TemplateMatcher(TemplateParser.Parse(Template(f.Trigger.Route)), [])))
            .ToList();
    }

    /// <summary>Runs the function that serves the request and writes its answer into the response; false when none serves it.</summary>
    public async Task<bool> InvokeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var values = new RouteValueDictionary();
        var endpoint = _endpoints.FirstOrDefault(e =>
            e.Verbs.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase) && e.Route.TryMatch(context.Request.Path, values = new RouteValueDictionary()));
        if (endpoint is null) return false;

        var arguments = endpoint.Method.GetParameters().Select(parameter => parameter.ParameterType switch
        {
            var type when type == typeof(HttpRequest) => context.Request,
            var type when type == typeof(CancellationToken) => cancellationToken,
            _ => (object?)values[parameter.Name!]?.ToString(),
        }).ToArray();
        var returned = endpoint.Method.Invoke(Instance(endpoint.Method.DeclaringType!), arguments);
        if (returned is Task pending)
        {
            // A typed result, such as Task<Results<Ok<…>, …>>, as the worker awaits it.
            await pending;
            returned = pending.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(pending);
        }

        var answer = returned as IResult
            ?? throw new InvalidOperationException($"{endpoint.Method.Name} returned {returned?.GetType().Name ?? "null"}, not an IResult.");
        await answer.ExecuteAsync(context);
        // Every answer must be one the app's OpenAPI document describes; one it does not fails the request's test.
        if (CheckAnswer is { } check) await check(_services, endpoint.Template, context.Request.Method, context.Response);
        return true;
    }

    /// <summary>The host's template for a route: the route prefix, when there is one, then the route.</summary>
    private static string Template(string? route) => string.IsNullOrEmpty(Routes.Prefix) ? route ?? "" : $"{Routes.Prefix}/{route}";

    private object Instance(Type type)
    {
        lock (_instances)
        {
            if (!_instances.TryGetValue(type, out var instance)) _instances[type] = instance = ActivatorUtilities.CreateInstance(_services, type);
            return instance;
        }
    }

    private sealed record Endpoint(MethodInfo Method, string[] Verbs, string Template, TemplateMatcher Route);
}
