using Functions.Compute;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Jobs;

[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class JobLogTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private FunctionApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new FunctionApp(azurite.ConnectionString, addTestServices: services => services
            .AddSingleton<IComputeKind>(new FaultyKind())
            .AddSingleton<ILoggerProvider>(_logs));
        await _app.ClearQueuesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task JobWithAFailedAttempt_EveryJobLogLineCarriesItsId()
    {
        var id = await _app.SubmitAsync("""{"kind":"faulty","input":{"failures":1}}""");

        await _app.PumpUntilAsync(async () => await _app.StatusAsync(id) == JobStatus.Succeeded, TimeSpan.FromSeconds(60));

        // The executor's start-up line ("Compute threads: N at …") is about the process, not a job.
        var jobLines = _logs.Records.Where(r => r.Category.StartsWith("Functions.", StringComparison.Ordinal) && r.Category != typeof(ComputeExecutor).FullName).ToList();
        Assert.All(jobLines, line => Assert.Equal(id, line.Properties.GetValueOrDefault("JobId")));
        Assert.Equal(["Submitted", "Started", "AttemptFailed", "RangeComputed", "Finished"], jobLines.Select(line => line.EventName).Distinct());
        Assert.IsType<InvalidOperationException>(Assert.Single(jobLines, line => line.EventName == "AttemptFailed").Exception);
    }
}
