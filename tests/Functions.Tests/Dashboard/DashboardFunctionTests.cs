using System.Text.RegularExpressions;
using Functions.Dashboard;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Dashboard;

/// <summary>The dashboard's files as the app serves them: at the root, typed, cached by ETag, and held to the app's own origin.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed partial class DashboardFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Root_IsThePage_WithItsPolicyAndCaching()
    {
        var page = await _app.GetAsync("/");

        Assert.Equal(200, page.Status);
        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Contains("<title>Compute jobs</title>", page.Text);
        Assert.Equal(DashboardAssets.ContentSecurityPolicy, page.Header("Content-Security-Policy"));
        Assert.Equal("no-cache", page.Header("Cache-Control"));
        Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));
        Assert.Equal(page.Text, (await _app.GetAsync("/index.html")).Text);
    }

    [Theory]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("app.css", "text/css; charset=utf-8")]
    [InlineData("favicon.svg", "image/svg+xml; charset=utf-8")]
    public async Task File_HasItsContentType(string file, string contentType)
    {
        var answer = await _app.GetAsync("/" + file);

        Assert.Equal(200, answer.Status);
        Assert.Equal(contentType, answer.ContentType);
    }

    [Fact]
    public async Task SameETag_Is304WithNoBody()
    {
        var first = await _app.GetAsync("/app.js");

        var again = await _app.SendAsync("GET", "/app.js", headers: new Dictionary<string, string> { ["If-None-Match"] = first.Header("ETag")! });
        var changed = await _app.SendAsync("GET", "/app.js", headers: new Dictionary<string, string> { ["If-None-Match"] = "\"other\"" });

        Assert.Matches("^\"[A-Za-z0-9_-]+\"$", first.Header("ETag"));
        Assert.Equal(304, again.Status);
        Assert.Empty(again.Body);
        Assert.Equal(200, changed.Status);
    }

    [Theory]
    [InlineData("/nothing.js")]
    [InlineData("/api")]
    public async Task UnknownFile_Is404(string path) => Assert.Equal(404, (await _app.GetAsync(path)).Status);

    [Fact]
    public void EveryFile_RefersOnlyToTheAppsOwnOrigin()
    {
        var assets = _app.Services.GetRequiredService<DashboardAssets>();
        var files = assets.Files.Where(f => f.EndsWith(".html") || f.EndsWith(".js") || f.EndsWith(".css")).ToList();

        Assert.Contains("index.html", files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(RepositoryRoot.File("Dashboard", "wwwroot", file));
            // No absolute or protocol-relative URL: no CDN, font or script from elsewhere (the browser tests check the requests too).
            Assert.DoesNotMatch(ExternalUrl(), text);
            foreach (Match import in ImportOf().Matches(text)) Assert.Contains(import.Groups[1].Value.TrimStart('.', '/'), assets.Files);
        }
    }

    [GeneratedRegex(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"from '([^']+)'")]
    private static partial Regex ImportOf();
}
