using Functions.Jobs.Submit;
using Functions.Jobs.Upkeep;
using Functions.Jobs.Watch;
using Functions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Jobs;

/// <summary>The <c>Jobs</c> and <c>Storage</c> settings, bound by the app's own composition: defaults hold, and a setting out of range stops the start.</summary>
public sealed class JobSettingsTests
{
    [Fact]
    public void Defaults_PassValidation()
    {
        using var provider = Compose([]);

        Assert.Equal(32, provider.GetRequiredService<IOptions<SubmitOptions>>().Value.MaxConcurrentSubmits);
        Assert.Equal(200, provider.GetRequiredService<IOptions<WatchOptions>>().Value.MaxWaitSeconds);
        Assert.Equal(168, provider.GetRequiredService<IOptions<RetentionOptions>>().Value.RetentionHours);
    }

    [Theory]
    [InlineData("Jobs:MaxConcurrentSubmits", "0", nameof(SubmitOptions.MaxConcurrentSubmits))]
    [InlineData("Jobs:MaxWaitingSubmits", "-1", nameof(SubmitOptions.MaxWaitingSubmits))]
    [InlineData("Jobs:MaxWaitSeconds", "230", nameof(WatchOptions.MaxWaitSeconds))]
    [InlineData("Jobs:WatchReadsPerSecond", "0", nameof(WatchOptions.WatchReadsPerSecond))]
    [InlineData("Jobs:RetentionHours", "-1", nameof(RetentionOptions.RetentionHours))]
    [InlineData("Storage:IndexShards", "0", nameof(StorageOptions.IndexShards))]
    [InlineData("Storage:IndexShards", "33", nameof(StorageOptions.IndexShards))]
    public void OutOfRange_StopsTheStart_NamingTheSetting(string key, string value, string property)
    {
        using var provider = Compose(new() { [key] = value });

        // ValidateOnStart checks every validated option when the host starts, before any function runs.
        var validation = provider.GetRequiredService<IStartupValidator>();
        var error = Assert.Throws<OptionsValidationException>(validation.Validate);

        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        settings.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddApp(configuration).BuildServiceProvider();
    }
}
