namespace Functions.Http;

/// <summary>
/// The HTTP routes, spelled once: the trigger attributes take the templates, the answers build their links from the
/// paths. host.json's <c>extensions.http.routePrefix</c> is empty so that the dashboard can answer at the site's root;
/// every API route spells its <c>api/</c> itself, so the API's URLs are the same as under the default prefix.
/// </summary>
public static class Routes
{
    /// <summary>host.json's <c>extensions.http.routePrefix</c> (a contract test checks they agree).</summary>
    public const string Prefix = "";

    /// <summary>The first segment of every API route.</summary>
    public const string Api = "api";

    public const string Hello = Api + "/hello";
    public const string Kinds = Api + "/kinds";
    public const string Health = Api + "/health";
    public const string OpenApi = Api + "/openapi.json";
    public const string Jobs = Api + "/jobs";
    public const string Job = Jobs + "/{id}";
    public const string JobResult = Job + "/result";
    public const string JobEvents = Job + "/events";

    /// <summary>What a job would cost, asked before submitting it.</summary>
    public const string Estimates = Api + "/estimates";

    /// <summary>
    /// The events of many jobs in one stream. Not under <c>jobs/</c>: the host tries routes in order and takes the first
    /// match, so <c>jobs/events</c> could be taken for the job with id "events".
    /// </summary>
    public const string Events = Api + "/events";

    /// <summary>
    /// The dashboard: <c>/</c> and its files, one segment each. Every API route has two segments or more, so this one
    /// can take none of their requests whatever order the host tries routes in.
    /// </summary>
    public const string Dashboard = "{file?}";

    public static string HelloPath => $"/{Hello}";

    public static string KindsPath => $"/{Kinds}";

    public static string HealthPath => $"/{Health}";

    public static string OpenApiPath => $"/{OpenApi}";

    public static string JobsPath => $"/{Jobs}";

    public static string JobPath(string id) => $"{JobsPath}/{id}";

    public static string JobResultPath(string id) => $"{JobPath(id)}/result";

    public static string JobEventsPath(string id) => $"{JobPath(id)}/events";

    public static string EventsPath => $"/{Events}";

    public static string EstimatesPath => $"/{Estimates}";
}
