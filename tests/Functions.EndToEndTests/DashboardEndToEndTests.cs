using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Functions.Tests.Dashboard;
using Functions.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Functions.EndToEndTests;

/// <summary>
/// The dashboard and the event stream through the Functions host (<c>func start</c>): the host's routing with an empty
/// route prefix, the page's files, a stream that arrives event by event (not buffered to its end), and the page in Chromium.
/// </summary>
[Collection(FunctionsHostCollection.Name)]
[Trait("Category", TestCategories.EndToEnd)]
[Trait("Category", TestCategories.Storage)]
[Trait("Category", TestCategories.Browser)]
public sealed class DashboardEndToEndTests(FunctionsHostFixture host, Browser browser) : IClassFixture<Browser>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private HttpClient Http => host.Http;

    [SkippableFact]
    public async Task Root_IsTheDashboard()
    {
        SkipWithoutHost();

        using var answer = await Http.GetAsync("/");
        var text = await answer.Content.ReadAsStringAsync();

        // fhost, the stand-in for func where Core Tools cannot be installed, answers "/" with its homepage before routing;
        // the real host routes first and shows its homepage only when no function took the request (HomepageMiddleware).
        Skip.If(text.Contains("(fhost)", StringComparison.Ordinal), "fhost answers / with its own homepage before routing; run under func to check the root.");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("<title>Compute jobs</title>", text);
    }

    [SkippableFact]
    public async Task PageFiles_AreServedWithTheirTypesAndPolicy()
    {
        SkipWithoutHost();

        using var page = await Http.GetAsync("/index.html");
        using var script = await Http.GetAsync("/app.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/nothing.js")).StatusCode);
    }

    [SkippableFact]
    public async Task EventStream_ArrivesEventByEventThroughTheHost()
    {
        SkipWithoutHost();
        // Minutes of work: it ends only when the test cancels it, after the first event is in, so no machine is too fast.
        using var submit = await Http.PostAsync("/api/jobs", new StringContent("""{"kind":"primes","input":{"limit":1000000000000}}""", Encoding.UTF8, "application/json"));
        var location = submit.Headers.Location!.ToString();
        using var timeout = new CancellationTokenSource(Deadline);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{location}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var stream = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        // A host that buffered the stream to its end would hold this event until the job ended, which it cannot yet.
        var first = await stream.NextEventAsync(timeout.Token);
        using var cancel = await Http.DeleteAsync(location, timeout.Token);
        var rest = await stream.ToEndAsync(timeout.Token);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("job", first!.Type);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(("done", "canceled"), (rest[^1].Type, rest[^1].Status));
    }

    [SkippableFact]
    public async Task Page_SubmitsPrimesAndShowsTheCount()
    {
        SkipWithoutHost();
        Skip.If(browser.SkipReason is not null, browser.SkipReason);
        var page = await DashboardPage.OpenAsync(browser, Http.BaseAddress!, "/index.html");
        await using var _ = page;

        await page.FillAsync("primes", ("limit", "1000000000"));
        await page.Page.GetByLabel("limit").PressAsync("Enter");

        await Expect(page.Detail.Locator("output.count")).ToHaveTextAsync("50847534", new() { Timeout = (float)Deadline.TotalMilliseconds });
        Assert.Empty(page.Problems);
    }

    private void SkipWithoutHost() => Skip.If(host.SkipReason is not null, host.SkipReason);
}
