using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Contract;

/// <summary>
/// Both ways the app is told where its storage is resolve to the right endpoints and credential, without a request:
/// a connection string (locally) and the identity-based settings infra/ sets in Azure.
/// </summary>
public sealed class StorageSettingsTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string ClientId = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public void ConnectionString_ResolvesToTheAccountsEndpoints_WithItsKey()
    {
        using var provider = Build(new()
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=https;AccountName=jobsacct;AccountKey={AccountKey};EndpointSuffix=core.windows.net",
        });

        var queues = provider.GetRequiredService<QueueServiceClient>();
        Assert.Equal("https://jobsacct.queue.core.windows.net/", queues.Uri.ToString());
        Assert.Equal("https://jobsacct.table.core.windows.net/", provider.GetRequiredService<TableServiceClient>().Uri.ToString());
        Assert.Equal("https://jobsacct.blob.core.windows.net/", provider.GetRequiredService<BlobServiceClient>().Uri.ToString());
        // Only a client holding the shared key can sign a SAS: the observable sign of a key credential.
        Assert.True(queues.CanGenerateAccountSasUri);
        Assert.True(provider.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
    }

    [Fact]
    public void IdentitySettings_ResolveToTheAccountsHttpsEndpoints_WithoutAKey()
    {
        using var provider = Build(IdentitySettings());

        var queues = provider.GetRequiredService<QueueServiceClient>();
        var blobs = provider.GetRequiredService<BlobServiceClient>();
        Assert.Equal("https://jobsacct.queue.core.windows.net/", queues.Uri.ToString());
        Assert.Equal("https://jobsacct.table.core.windows.net/", provider.GetRequiredService<TableServiceClient>().Uri.ToString());
        Assert.Equal("https://jobsacct.blob.core.windows.net/", blobs.Uri.ToString());
        Assert.False(queues.CanGenerateAccountSasUri);
        Assert.False(blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public void IdentitySettings_CredentialIsTheUserAssignedManagedIdentity()
    {
        var configuration = Configuration(IdentitySettings());
        using var provider = Build(IdentitySettings());

        // The credential factory StorageClientRegistration hands the clients, for the same settings section.
        var credential = provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(configuration.GetSection(StorageNames.Connection));

        Assert.IsType<ManagedIdentityCredential>(credential);
    }

    [Fact]
    public void IdentitySettings_ServiceUris_OverrideTheAccountName()
    {
        var settings = IdentitySettings();
        settings["AzureWebJobsStorage__queueServiceUri"] = "https://elsewhere.queue.core.windows.net";
        using var provider = Build(settings);

        Assert.Equal("https://elsewhere.queue.core.windows.net/", provider.GetRequiredService<QueueServiceClient>().Uri.ToString());
        Assert.Equal("https://jobsacct.table.core.windows.net/", provider.GetRequiredService<TableServiceClient>().Uri.ToString());
    }

    [Fact]
    public void NoStorageSettings_FailsNamingTheSettingToSet()
    {
        var configuration = Configuration(new() { ["AzureWebJobsStorage__credential"] = "managedidentity" });

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddStorageClients(configuration));

        Assert.Contains("AzureWebJobsStorage__accountName", error.Message);
    }

    /// <summary>The app settings infra/app/function.bicep sets, as Azure passes them: environment variables.</summary>
    private static Dictionary<string, string?> IdentitySettings() => new()
    {
        ["AzureWebJobsStorage__accountName"] = "jobsacct",
        ["AzureWebJobsStorage__credential"] = "managedidentity",
        ["AzureWebJobsStorage__clientId"] = ClientId,
    };

    private static ServiceProvider Build(Dictionary<string, string?> environment)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStorageClients(Configuration(environment));
        return services.BuildServiceProvider();
    }

    // The environment variables configuration provider turns "__" into the section separator ":".
    private static IConfiguration Configuration(Dictionary<string, string?> environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(pair => KeyValuePair.Create(pair.Key.Replace("__", ConfigurationPath.KeyDelimiter), pair.Value)))
            .Build();
}
