using Functions.Http;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

// Takes the README's picture of the dashboard: the real app on an Azurite of its own, served over HTTP, with a job of
// each kind (one image finished, one big count running) and the form pricing another, in headless Chromium.
//   dotnet run -c Release --project tools/DashboardScreenshot [-- file.png]     (default: docs/dashboard.png)
// Chromium is the system's (chromium on PATH, or CHROMIUM_PATH), as for the browser tests.
var file = Path.GetFullPath(args.Length > 0 ? args[0] : RepositoryRoot.File("docs", "dashboard.png"));
var deadline = TimeSpan.FromSeconds(90);
var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
    ? configured
    : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "chromium")).FirstOrDefault(File.Exists);
if (chromium is null || !File.Exists(chromium))
{
    Console.Error.WriteLine("No Chromium: install it (apt-get install chromium) or set CHROMIUM_PATH.");
    return 1;
}

await using var azurite = await Azurite.StartAsync();
await using var app = new FunctionApp(azurite.ConnectionString);
await app.ClearQueuesAsync();
await using var server = await app.ServeAsync();

await app.SubmitAsync("""{"kind":"hashsearch","input":{"prefix":"hello","difficulty":18}}""");
await app.SubmitAsync("""{"kind":"primes","input":{"limit":10000000000}}""");
var picture = await app.SubmitAsync("""{"kind":"mandelbrot","input":{"centerX":-0.743643887,"centerY":0.131825904,"scale":0.004,"width":640,"height":400,"maxIterations":1500}}""");
await app.PumpUntilAsync(async () => await app.StatusAsync(picture) == JobStatus.Succeeded, deadline);
var running = await app.SubmitAsync("""{"kind":"primes","input":{"limit":3000000000000}}""");
await using var listening = app.StartListening();

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Headless = true,
    Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = server.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
var timeout = (float)deadline.TotalMilliseconds;
await page.GotoAsync($"/#job={picture}");
await Expect(page.Locator("html")).ToHaveAttributeAsync("data-ready", "true");
await page.WaitForFunctionAsync("() => { const img = document.querySelector('#detail figure img'); return img && img.complete && img.naturalWidth > 0; }", null, new() { Timeout = timeout });
await page.WaitForFunctionAsync($"() => (document.querySelector('li[data-id=\"{running}\"] progress')?.value ?? 0) > 0.01", null, new() { Timeout = timeout });
await page.GetByLabel("Kind").SelectOptionAsync("primes");
await page.GetByLabel("limit").FillAsync("100000000000");
await Expect(page.Locator("#estimate")).ToContainTextAsync("core-seconds");

Directory.CreateDirectory(Path.GetDirectoryName(file)!);
await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
await app.DeleteAsync(Routes.JobPath(running));
Console.WriteLine($"{file}: {new FileInfo(file).Length:N0} bytes");
return 0;
