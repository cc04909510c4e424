using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Functions.Tests.Dashboard;

/// <summary>
/// The dashboard open in a browser tab, with what went wrong on the way: console errors, script errors, failed
/// requests, error answers, and any request that left the app's own origin.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<IRequest> _requests = new();

    private DashboardPage(IPage page, Uri origin)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _problems.Enqueue($"console: {message.Text}");
        };
        page.PageError += (_, error) => _problems.Enqueue($"script: {error}");
        page.Request += (_, request) =>
        {
            _requests.Enqueue(request);
            if (!request.Url.StartsWith(origin.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
                _problems.Enqueue($"outside request: {request.Url}");
        };
        page.RequestFailed += (_, request) =>
        {
            // The page closes a stream itself when the jobs it watches change; that is not a failure.
            if (!(IsEventStream(request) && request.Failure == "net::ERR_ABORTED")) _problems.Enqueue($"failed: {request.Method} {request.Url} {request.Failure}");
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) _problems.Enqueue($"answer {response.Status}: {response.Request.Method} {response.Url}");
        };
    }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Problems => [.. _problems];

    /// <summary>The event streams the page opened, reconnects included.</summary>
    public IReadOnlyList<IRequest> EventStreams => [.. _requests.Where(IsEventStream)];

    public IReadOnlyList<IRequest> Requests => [.. _requests];

    /// <summary>A new tab on the app, not yet navigated (to set up routes first).</summary>
    public static async Task<DashboardPage> NewAsync(Browser browser, Uri baseAddress, int width = 1280) =>
        new(await browser.NewPageAsync(baseAddress, width), baseAddress);

    /// <summary>Opens the page at <paramref name="path"/> and waits until it has loaded the kinds and the jobs.</summary>
    public static async Task<DashboardPage> OpenAsync(Browser browser, Uri baseAddress, string path = "/", int width = 1280)
    {
        var page = await NewAsync(browser, baseAddress, width);
        await page.Page.GotoAsync(path);
        await Assertions.Expect(page.Page.Locator("html")).ToHaveAttributeAsync("data-ready", "true");
        return page;
    }

    /// <summary>The list's entry of a job.</summary>
    public ILocator Row(string id) => Page.Locator($"#job-list li[data-id=\"{id}\"]");

    public ILocator Detail => Page.Locator("#detail");

    /// <summary>The id of the job the detail panel shows, from the address (#job=…).</summary>
    public string? ShownJob => new Uri(Page.Url).Fragment is ['#', .. var rest] ? System.Web.HttpUtility.ParseQueryString(rest)["job"] : null;

    /// <summary>Chooses a kind and fills its fields by their labels, as a person would.</summary>
    public async Task FillAsync(string kind, params (string Field, string Value)[] fields)
    {
        await Page.GetByLabel("Kind").SelectOptionAsync(kind);
        foreach (var (field, value) in fields) await Page.GetByLabel(field, new() { Exact = false }).First.FillAsync(value);
    }

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();

    // Spelled here, not taken from Routes: the end-to-end tests use this file without the app's assembly.
    private static bool IsEventStream(IRequest request) => new Uri(request.Url).AbsolutePath == "/api/events";
}
