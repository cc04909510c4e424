using System.Text.RegularExpressions;
using Azure.Storage.Queues.Models;
using Functions.Compute;
using Functions.Http;
using Functions.Jobs.Callbacks;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Functions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Functions.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium against the real app on Azurite, served over real HTTP: what a person does on
/// the page, and what the page does with the API (one event stream for many jobs, reconnects, the key in Azure).
/// </summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
[Trait("Category", TestCategories.Browser)]
public sealed class DashboardTests(AzuriteFixture azurite, Browser browser, ITestOutputHelper output) : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
    }

    [SkippableFact]
    public async Task Page_LoadsWithNoConsoleErrorNoFailedRequestAndNothingFromOutside()
    {
        var (_, server) = await ServeAsync();

        var page = await OpenAsync(server);

        await page.Page.GetByLabel("Kind").SelectOptionAsync("primes");
        await Expect(page.Page.GetByLabel("limit")).ToHaveAttributeAsync("max", "10000000000000");
        Assert.Contains(page.Requests, r => r.Url.EndsWith(Routes.KindsPath, StringComparison.Ordinal));
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task Form_EveryRegisteredKind_IsOfferedWithEachOfItsFields()
    {
        // A kind the app does not ship, registered as a user adds one: the form is built from the kinds, not for three.
        var (app, server) = await ServeAsync(new SequenceKind());
        var kinds = app.Services.GetServices<IComputeKind>().ToList();

        var page = await OpenAsync(server);

        Assert.Contains(kinds, kind => kind.Name == "sequence");
        Assert.Equal(kinds.Select(kind => kind.Name).Order(), (await page.Page.Locator("#kind option").AllTextContentsAsync()).Order());
        foreach (var kind in kinds)
        {
            await page.Page.GetByLabel("Kind").SelectOptionAsync(kind.Name);
            await Expect(page.Page.Locator("#fields [data-field]")).ToHaveCountAsync(kind.Description.Input.Count);
            foreach (var field in kind.Description.Input)
                await Expect(page.Page.Locator($"#field-{kind.Name}-{field.Name}")).ToBeVisibleAsync();
        }
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task SubmitWithCallbackUrl_DetailShowsItsDelivery()
    {
        await using var receiver = await Callbacks.CallbackReceiver.StartAsync();
        var (app, server) = await ServeAsync(null, ("Callbacks:Secret", Callbacks.CallbackSettings.Secret), ("Callbacks:AllowPrivateNetworks", "true"));
        var page = await OpenAsync(server);

        await page.FillAsync("primes", ("limit", "1000"));
        await page.Page.GetByLabel("Callback URL").FillAsync(receiver.Url.AbsoluteUri);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.Detail.Locator("[data-role=callback]")).ToContainTextAsync(receiver.Url.AbsoluteUri);
        var id = page.ShownJob!;
        await app.PumpWithCallbacksUntilAsync(async () => (await app.Store.GetAsync(id, CancellationToken.None))?.Job.Callback?.Delivery?.State == CallbackState.Delivered, Deadline);
        var reopened = await OpenAsync(server, $"/#job={id}");

        await Expect(reopened.Detail.Locator("[data-role=callback]")).ToContainTextAsync("delivered");
        Assert.Single(receiver.Received);
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task Page_At375PixelsWide_FitsWithoutSidewaysScrolling()
    {
        var (_, server) = await ServeAsync();

        var page = await OpenAsync(server, width: 375);

        Assert.True(await page.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" })).ToBeInViewportAsync();
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task SubmitPrimes_ByKeyboard_ProgressMovesAndTheCountIsShown()
    {
        var (app, server) = await ServeAsync();
        var page = await OpenAsync(server);

        await page.FillAsync("primes", ("limit", "1000000000"));
        await page.Page.GetByLabel("limit").PressAsync("Enter");
        await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("queued");
        await Expect(page.Detail).ToContainTextAsync(new Regex(@"Estimate\s*About [\d.,]+ core-seconds.* in 1 range \(limit per job: 1,800\)\."));
        var id = page.ShownJob!;
        await RecordProgressAsync(page);
        await using (app.StartListening())
        {
            await Expect(page.Detail.Locator("output.count")).ToHaveTextAsync("50847534", new() { Timeout = Ms(Deadline) });
        }

        var seen = await page.Page.EvaluateAsync<double[]>("window.progressSeen");
        output.WriteLine($"progress values the page showed: {string.Join(", ", seen)}");
        Assert.Equal(0, seen[0]);
        Assert.Equal(1, seen[^1]);
        Assert.Equal(seen.Order(), seen);
        await Expect(page.Detail.Locator(".formula")).ToContainTextAsync("π(109) = 50847534");
        await Expect(page.Row(id).Locator(".badge")).ToHaveTextAsync("succeeded");
        await Expect(page.Page.Locator("#announcer")).ToContainTextAsync("succeeded");
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task CancelRunningJob_ShowsCanceled()
    {
        var (app, server) = await ServeAsync();
        var page = await OpenAsync(server);
        await page.FillAsync("primes", ("limit", "1000000000000"));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("queued");
        var id = page.ShownJob!;

        await using (app.StartListening())
        {
            await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("running", new() { Timeout = Ms(Deadline) });
            await page.Row(id).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("canceled");
            await Expect(page.Row(id).Locator(".badge")).ToHaveTextAsync("canceled");
        }

        Assert.Equal(JobStatus.Canceled, await app.StatusAsync(id));
        await Expect(page.Row(id).GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task Mandelbrot_ShowsTheImageAndAClickStartsAZoomedJobCentredThere()
    {
        var (app, server) = await ServeAsync();
        await using var listening = app.StartListening();
        var page = await OpenAsync(server);
        await page.FillAsync("mandelbrot", ("width", "320"), ("height", "240"), ("maxIterations", "200"));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        var image = page.Detail.Locator("figure img");
        await Expect(image).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        var parent = page.ShownJob!;
        await page.Page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await image.ElementHandleAsync());

        var natural = await image.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight, img.clientWidth, img.clientHeight]");
        await image.ClickAsync(new() { Position = new() { X = natural[2] / 4f, Y = natural[3] / 4f } });
        await page.Page.WaitForFunctionAsync($"() => !location.hash.includes('{parent}')");
        var child = page.ShownJob!;
        var input = (await app.GetAsync(Routes.JobPath(child))).Json.GetProperty("input");

        Assert.Equal((320, 240), (natural[0], natural[1]));
        // A quarter of the way in from the top left: the default view is centre (-0.5, 0), 3 wide, 3/320 per pixel. A
        // mouse event's position is in whole CSS pixels, so the centre is right to within one pixel.
        var pixel = 3.0 / 320;
        Assert.Equal(-0.5 + (80 - 160) * pixel, input.GetProperty("centerX").GetDouble(), pixel);
        Assert.Equal(0 - (60 - 120) * pixel, input.GetProperty("centerY").GetDouble(), pixel);
        Assert.Equal(0.75, input.GetProperty("scale").GetDouble(), 1e-12);
        Assert.Equal((320, 240, 200), (input.GetProperty("width").GetInt32(), input.GetProperty("height").GetInt32(), input.GetProperty("maxIterations").GetInt32()));
        var back = page.Detail.GetByRole(AriaRole.Link, new() { Name = "Back to the parent job" });
        await Expect(back).ToHaveAttributeAsync("href", $"#job={parent}");
        await Expect(page.Detail.Locator("figure img")).ToBeVisibleAsync(new() { Timeout = Ms(Deadline) });
        await back.ClickAsync();
        await Expect(page.Detail.Locator("#detail-title")).ToHaveTextAsync($"mandelbrot job {parent[..8]}");
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task BadInput_TheBrowserStopsWhatItKnowsAndTheServersMessageShowsAtTheField()
    {
        var (_, server) = await ServeAsync();
        var page = await OpenAsync(server);

        await page.FillAsync("primes", ("limit", "-1"));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.Page.Locator("#field-primes-limit-error")).ToHaveTextAsync("'limit' must be between 0 and 10000000000000.");
        Assert.DoesNotContain(page.Requests, r => r.Method == "POST");

        // The prefix's length limit is the server's alone (GET /api/kinds gives none): its refusal names the field.
        await page.FillAsync("hashsearch", ("prefix", new string('a', 300)), ("difficulty", "8"));
        var refused = page.Page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith(Routes.JobsPath, StringComparison.Ordinal));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        Assert.Equal(400, (await refused).Status);

        var field = page.Page.GetByLabel("prefix");
        await Expect(page.Page.Locator("#field-hashsearch-prefix-error")).ToHaveTextAsync("'input.prefix' must be at most 256 characters.");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToBeFocusedAsync();
    }

    [SkippableFact]
    public async Task Typing_ShowsTheServersEstimate_AndAJobOverTheCapIsRefusedAtItsFieldBeforeSubmit()
    {
        var (_, server) = await ServeAsync(settings: ("Jobs:MaxJobCoreSeconds", "10"));
        var page = await OpenAsync(server);

        await page.FillAsync("primes", ("limit", "1000000"));
        await Expect(page.Page.Locator("#estimate")).ToHaveTextAsync(new Regex(@"^About [\d.,]+ core-seconds.* in 1 range \(limit per job: 10\)\.$"));

        await page.FillAsync("primes", ("limit", "10000000000000"));
        await Expect(page.Page.Locator("#field-primes-limit-error")).ToContainTextAsync(new Regex(@"The largest limit that fits is \d+\."));
        await Expect(page.Page.Locator("#estimate")).ToBeEmptyAsync();
        Assert.Contains(page.Requests, r => r.Method == "POST" && r.Url.EndsWith(Routes.EstimatesPath, StringComparison.Ordinal));
        Assert.DoesNotContain(page.Requests, r => r.Method == "POST" && r.Url.EndsWith(Routes.JobsPath, StringComparison.Ordinal));
        Assert.DoesNotContain(page.Problems, problem => problem.StartsWith("script:", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task TwentyJobsRunningAtOnce_AllUpdateLiveOverOneStream()
    {
        // The page's instance and the computing instance are two: the page's learns of changes by reading storage.
        var (web, server) = await ServeAsync(new SequenceKind());
        var sequence = new SequenceKind();
        var compute = App(sequence);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await web.SubmitAsync(SequenceKind.Job(chunks: 2)));
        var page = await OpenAsync(server);
        await page.Page.EvaluateAsync("window.notReloaded = true");
        foreach (var id in ids) await Expect(page.Row(id).Locator(".badge")).ToHaveTextAsync("queued");

        // Twenty invocations at once, as twenty instances would run them; both compute threads are held mid-chunk.
        var hold = sequence.HoldNext(2);
        using var stop = new CancellationTokenSource(Deadline);
        var computing = await ComputeAllAsync(compute, ids.Count, stop.Token);
        try
        {
            foreach (var id in ids) await Expect(page.Row(id).Locator(".badge")).ToHaveTextAsync("running", new() { Timeout = Ms(Deadline) });
        }
        finally
        {
            hold.Release();
        }

        await computing;
        foreach (var id in ids) await Expect(page.Row(id).Locator(".badge")).ToHaveTextAsync("succeeded", new() { Timeout = Ms(Deadline) });
        foreach (var id in ids) await Expect(page.Row(id).Locator(".job-meta .chunks")).ToHaveTextAsync("2/2 chunks · 100%");
        Assert.True(await page.Page.EvaluateAsync<bool>("window.notReloaded === true"));
        output.WriteLine($"event streams opened for 20 jobs: {page.EventStreams.Count}");
        Assert.InRange(page.EventStreams.Count, 1, 3);
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task StreamEndedByTheServer_PageReconnectsAndMissesNoFinalState()
    {
        var (app, server) = await ServeAsync(settings: ("Jobs:MaxStreamSeconds", "2"));
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":1000000}}""");
        var page = await DashboardPage.NewAsync(browser, server.BaseAddress);
        _disposables.Add(page);
        // Counts the page's EventSources: a reconnect by the browser itself (which sends Last-Event-ID) makes none.
        await page.Page.AddInitScriptAsync("""
            window.eventSourcesMade = 0;
            window.EventSource = class extends window.EventSource {
              constructor(...args) { super(...args); window.eventSourcesMade++; }
            };
            """);
        // The server ends the first stream after 2 s; the browser's reconnect is held until the job has finished, so
        // the job ends while the page is not connected.
        var requests = 0;
        var reconnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.Page.RouteAsync(new Regex("/api/events\\?"), async route =>
        {
            if (Interlocked.Increment(ref requests) == 2)
            {
                reconnect.SetResult();
                await finished.Task;
            }

            await route.ContinueAsync();
        });
        await page.Page.GotoAsync($"/#job={id}");
        await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("queued");

        await reconnect.Task.WaitAsync(Deadline);
        await app.PumpUntilAsync(async () => await app.StatusAsync(id) == JobStatus.Succeeded, Deadline);
        finished.SetResult();

        await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("succeeded", new() { Timeout = Ms(Deadline) });
        await Expect(page.Detail.Locator("output.count")).ToHaveTextAsync("78498");
        Assert.Equal(1, await page.Page.EvaluateAsync<int>("window.eventSourcesMade"));
        Assert.Empty(page.Problems);
    }

    [SkippableFact]
    public async Task InAzure_TheKeyIsAskedOnceKeptInTheTabAndSentAsHeaderAndCode()
    {
        var (app, server) = await ServeAsync();
        var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":1000000}}""");
        var page = await DashboardPage.NewAsync(browser, server.BaseAddress);
        _disposables.Add(page);
        // As the Functions host answers a job endpoint called without a key (the page itself and /api/kinds are anonymous).
        var sentKeys = new List<string?>();
        await page.Page.RouteAsync(new Regex("/api/(jobs|events)"), async route =>
        {
            var key = await route.Request.HeaderValueAsync("x-functions-key") ?? System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query)["code"];
            sentKeys.Add(key);
            if (key == "secret") await route.ContinueAsync();
            else await route.FulfillAsync(new() { Status = 401 });
        });
        await page.Page.GotoAsync("/");

        var dialog = page.Page.GetByRole(AriaRole.Dialog, new() { Name = "Function key" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Key").FillAsync("secret");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Expect(page.Row(id)).ToBeVisibleAsync();
        await page.Page.GotoAsync($"/#job={id}");
        await page.Page.ReloadAsync();
        await Expect(page.Detail.Locator(".badge")).ToHaveTextAsync("queued");
        await Expect(dialog).ToBeHiddenAsync();

        Assert.Equal("secret", await page.Page.EvaluateAsync<string>("sessionStorage.getItem('dashboard.functionKey')"));
        Assert.Equal(0, await page.Page.EvaluateAsync<int>("localStorage.length"));
        Assert.Equal(1, sentKeys.Count(k => k is null));
        Assert.Contains(page.EventStreams, r => r.Url.Contains("code=secret", StringComparison.Ordinal));
    }

    private async Task<(FunctionApp App, AppServer Server)> ServeAsync(SequenceKind? sequence = null, params (string Key, string Value)[] settings)
    {
        Skip.If(browser.SkipReason is not null, browser.SkipReason);
        var app = App(sequence, settings);
        await app.ClearQueuesAsync();
        var server = await app.ServeAsync();
        _disposables.Add(server);
        return (app, server);
    }

    private FunctionApp App(SequenceKind? sequence = null, params (string Key, string Value)[] settings)
    {
        var app = new FunctionApp(azurite.ConnectionString, settings.ToDictionary(s => s.Key, s => (string?)s.Value), services =>
        {
            if (sequence is not null) services.AddSingleton<IComputeKind>(sequence);
        });
        _disposables.Add(app);
        return app;
    }

    private async Task<DashboardPage> OpenAsync(AppServer server, string path = "/", int width = 1280)
    {
        var page = await DashboardPage.OpenAsync(browser, server.BaseAddress, path, width);
        _disposables.Add(page);
        return page;
    }

    /// <summary>Records each value the detail's progress bar shows, from now on.</summary>
    private static Task RecordProgressAsync(DashboardPage page) => page.Page.EvaluateAsync("""
        () => {
          window.progressSeen = [];
          const body = document.getElementById('detail-body');
          const take = () => {
            const bar = body.querySelector('progress');
            if (bar && window.progressSeen.at(-1) !== bar.value) window.progressSeen.push(bar.value);
          };
          take();
          new MutationObserver(take).observe(body, { childList: true, subtree: true, attributes: true });
        }
        """);

    /// <summary>Takes <paramref name="count"/> messages off the jobs queue and runs them all at once on <paramref name="app"/>.</summary>
    private static async Task<Task> ComputeAllAsync(FunctionApp app, int count, CancellationToken cancellationToken)
    {
        var messages = new List<QueueMessage>();
        while (messages.Count < count)
            messages.AddRange((await app.RawJobsQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value);
        return Task.WhenAll(messages.Select(async message =>
        {
            await app.Compute.Compute(FunctionApp.DecodeAsHost(message.MessageText), cancellationToken);
            await app.RawJobsQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }));
    }

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;
}
