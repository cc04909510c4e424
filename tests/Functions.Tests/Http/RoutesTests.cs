using Functions.Http;

namespace Functions.Tests.Http;

/// <summary>The public URLs, pinned once: every other test builds its paths from <see cref="Routes"/>, as the app does.</summary>
public sealed class RoutesTests
{
    [Fact]
    public void Paths_AreTheDocumentedUrls()
    {
        Assert.Equal(
            ["/api/hello", "/api/kinds", "/api/health", "/api/jobs", "/api/jobs/abc", "/api/jobs/abc/result"],
            [Routes.HelloPath, Routes.KindsPath, Routes.HealthPath, Routes.JobsPath, Routes.JobPath("abc"), Routes.JobResultPath("abc")]);
    }
}
