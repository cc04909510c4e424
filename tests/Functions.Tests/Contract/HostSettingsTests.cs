using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Azure.Storage.Queues;
using Functions.Compute;
using Functions.Jobs.Store;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Contract;

/// <summary>host.json and local.settings.json hold what <c>func start</c> and the app's code rely on.</summary>
[Collection(StorageCollection.Name)]
[Trait("Category", TestCategories.Storage)]
public sealed class HostSettingsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AppQueueClient_WritesTheEncodingTheTriggerReads()
    {
        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.ClearQueuesAsync();
        var message = new JobMessage(JobIds.New(), 3);

        await app.Services.GetRequiredService<IJobQueue>().SendAsync(message, CancellationToken.None);

        var raw = (await app.RawJobsQueue.ReceiveMessageAsync()).Value.MessageText;
        Assert.Equal("base64", HostJson.MessageEncoding);
        Assert.True(JobMessage.TryParse(FunctionApp.DecodeAsHost(raw), out var read));
        Assert.Equal(read.ToJson(), Encoding.UTF8.GetString(Convert.FromBase64String(raw)));
        // The queue stamps when the message became visible, for its time in the queue; the rest is as sent.
        Assert.NotNull(read.SentAt);
        Assert.Equal(message, read with { SentAt = null });
    }

    [Fact]
    public void HostJson_ManyMessagesPerInstance_EachInvocationWellUnderTheTimeout()
    {
        var queues = HostJson.Root["extensions"]!["queues"]!;
        var timeout = TimeSpan.Parse(HostJson.Root["functionTimeout"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var compute = new ComputeOptions();
        var budget = TimeSpan.FromSeconds(compute.InvocationBudgetSeconds);

        Assert.Equal("2.0", HostJson.Root["version"]!.GetValue<string>());
        // Up to 16 + 8 invocations at once share the executor, so small jobs overlap their storage waits.
        Assert.Equal(32, queues["batchSize"]!.GetValue<int>());
        Assert.Equal(16, queues["newBatchThreshold"]!.GetValue<int>());
        // The longest an invocation takes: its own range, the most the admission lets others hold it back, and the
        // final writes' retries; with room to spare.
        Assert.True((budget + budget * (compute.MaxDelayPercent / 100.0) + budget) * 2 <= timeout);
        Assert.True(new WatchOptions().MaxWaitSeconds < 230);
    }

    [Fact]
    public void LocalSettings_HaveWhatFuncStartNeeds()
    {
        var settings = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.json")))!;
        var values = settings["Values"]!;

        Assert.False(settings["IsEncrypted"]!.GetValue<bool>());
        Assert.Equal("UseDevelopmentStorage=true", values[StorageNames.Connection]!.GetValue<string>());
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.All(settings["Values"]!.AsObject(), pair => Assert.Equal(JsonValueKind.String, pair.Value!.GetValueKind()));
    }

    [Fact]
    public void DevelopmentStorage_ResolvesToTheLocalEmulator()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStorageClients(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageNames.Connection] = "UseDevelopmentStorage=true" }).Build());
        using var provider = services.BuildServiceProvider();

        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", provider.GetRequiredService<QueueServiceClient>().Uri.ToString().TrimEnd('/'));
    }
}
