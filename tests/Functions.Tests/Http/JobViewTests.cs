using Functions.Http;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Http;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobViewTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString);
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Job_ShowsItsInput_TheListingDoesNot()
    {
        var id = await _app.SubmitAsync("""{"kind":"mandelbrot","input":{"width":64,"height":48,"scale":0.5}}""");

        var job = await _app.GetAsync(Routes.JobPath(id));
        var listed = (await _app.GetAsync(Routes.JobsPath + "?top=5")).Json.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);

        Assert.Equal("""{"width":64,"height":48,"scale":0.5}""", job.Json.GetProperty("input").GetRawText());
        // A finished job's listing entry does not keep its input, so no entry shows one.
        Assert.False(listed.TryGetProperty("input", out _));
    }
}
