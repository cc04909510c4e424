using Microsoft.Playwright;

namespace Functions.Tests.Dashboard;

/// <summary>
/// Headless Chromium driven by Playwright's bundled driver: the system's browser (Debian's <c>chromium</c>, Chrome as
/// GitHub's runners have it, or <c>CHROMIUM_PATH</c>), since Playwright's own browser download is not reachable
/// everywhere. Where there is none,
/// <see cref="SkipReason"/> says so and the browser tests report skipped, never passed.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Flags for a machine with no network but loopback: no background calls home, no sync, no QUIC.</summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string? SkipReason { get; private set; }

    public string? ExecutablePath { get; } = Find();

    public async Task InitializeAsync()
    {
        if (ExecutablePath is null)
        {
            SkipReason = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
                ? $"CHROMIUM_PATH is '{configured}', which does not exist."
                : "Chromium is not installed: no 'chromium' on PATH and CHROMIUM_PATH is not set (apt-get install chromium; .ci/run installs it).";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
        });
    }

    /// <summary>A fresh browser context (its own storage, like a new profile) with one page, at a phone's or a desktop's width.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, int width = 1280, int height = 900)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured) return File.Exists(configured) ? configured : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
