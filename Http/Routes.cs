namespace Functions.Http;

/// <summary>
/// The HTTP API's routes, spelled once: the trigger attributes take the templates, the answers build their links from
/// the paths. Every route sits under host.json's <c>extensions.http.routePrefix</c>.
/// </summary>
public static class Routes
{
    /// <summary>host.json's <c>extensions.http.routePrefix</c> (a contract test checks they agree).</summary>
    public const string Prefix = "api";

    public const string Hello = "hello";
    public const string Kinds = "kinds";
    public const string Health = "health";
    public const string Jobs = "jobs";
    public const string Job = "jobs/{id}";
    public const string JobResult = "jobs/{id}/result";

    public static string HelloPath => $"/{Prefix}/{Hello}";

    public static string KindsPath => $"/{Prefix}/{Kinds}";

    public static string HealthPath => $"/{Prefix}/{Health}";

    public static string JobsPath => $"/{Prefix}/{Jobs}";

    public static string JobPath(string id) => $"{JobsPath}/{id}";

    public static string JobResultPath(string id) => $"{JobPath(id)}/result";
}
