using System.Reflection;
using Functions.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace Functions.Tests.Http;

/// <summary>The public URLs, pinned once: every other test builds its paths from <see cref="Routes"/>, as the app does.</summary>
public sealed class RoutesTests
{
    [Fact]
    public void Paths_AreTheDocumentedUrls()
    {
        Assert.Equal(
            ["/api/hello", "/api/kinds", "/api/health", "/api/openapi.json", "/api/jobs", "/api/jobs/abc", "/api/jobs/abc/result", "/api/jobs/abc/events", "/api/events"],
            [Routes.HelloPath, Routes.KindsPath, Routes.HealthPath, Routes.OpenApiPath, Routes.JobsPath, Routes.JobPath("abc"), Routes.JobResultPath("abc"), Routes.JobEventsPath("abc"), Routes.EventsPath]);
    }

    /// <summary>
    /// The Functions host tries the routes in function order and takes the first that matches, so no request may match
    /// two functions' routes for the same method: then the order cannot matter (the dashboard's <c>{file?}</c> at the
    /// root included).
    /// </summary>
    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/app.js")]
    [InlineData("GET", "/api/hello")]
    [InlineData("GET", "/api/kinds")]
    [InlineData("GET", "/api/health")]
    [InlineData("GET", "/api/openapi.json")]
    [InlineData("GET", "/api/jobs")]
    [InlineData("POST", "/api/jobs")]
    [InlineData("GET", "/api/events")]
    [InlineData("GET", "/api/jobs/0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/api/jobs/events")]
    [InlineData("DELETE", "/api/jobs/0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/api/jobs/0123456789abcdef0123456789abcdef/result")]
    [InlineData("GET", "/api/jobs/0123456789abcdef0123456789abcdef/events")]
    public void Request_MatchesExactlyOneFunctionsRoute(string method, string path)
    {
        var matching = typeof(HelloFunction).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Select(m => (Name: m.GetCustomAttribute<FunctionAttribute>()?.Name, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().SingleOrDefault()))
            .Where(f => f.Name is not null && f.Trigger is not null && f.Trigger.Methods!.Contains(method, StringComparer.OrdinalIgnoreCase))
            .Where(f => new TemplateMatcher(TemplateParser.Parse(Routes.Prefix.Length == 0 ? f.Trigger!.Route! : $"{Routes.Prefix}/{f.Trigger!.Route}"), []).TryMatch(path, new RouteValueDictionary()))
            .Select(f => f.Name)
            .ToList();

        Assert.Single(matching);
    }
}
