using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json;
using Functions.Compute;
using Functions.Health;
using Functions.Jobs.Submit;
using Functions.Jobs.Upkeep;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Functions.Storage;
using Functions.Telemetry;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;

namespace Functions.Tests.Infra;

/// <summary>
/// The settings infra/ gives the app are the ones the app and the host read: no typo that would be silently ignored
/// (Compute__InvocationBudget for Compute__InvocationBudgetSeconds), and every storage connection setting is there.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed class AppSettingsTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    /// <summary>The identity-based connection, as StorageClientRegistration and the host's storage extensions read it.</summary>
    private static readonly string[] StorageConnectionSettings =
        ["accountName", "credential", "clientId", "queueServiceUri", "tableServiceUri", "blobServiceUri"];

    /// <summary>Read by the host (and, for the telemetry ones, by AddTelemetry too).</summary>
    private static readonly string[] HostSettings =
    [
        StorageNames.Connection,
        "FUNCTIONS_WORKER_RUNTIME",
        TelemetryServiceCollectionExtensions.ConnectionStringSetting,
        TelemetryServiceCollectionExtensions.AuthenticationStringSetting,
        TelemetryServiceCollectionExtensions.ClientIdSetting,
    ];

    private static readonly Type[] OptionsTypes = [typeof(SubmitOptions), typeof(WatchOptions), typeof(RetentionOptions), typeof(ComputeOptions), typeof(HealthOptions), typeof(Functions.Callbacks.CallbacksOptions), typeof(StorageOptions)];

    /// <summary>Every setting the app or the host reads, in app-setting form (<c>Section__Property</c>).</summary>
    public static IReadOnlySet<string> KnownSettings { get; } = OptionsTypes.SelectMany(OptionSettings)
        .Concat(StorageConnectionSettings.Select(name => $"{StorageNames.Connection}__{name}"))
        .Concat(HostSettings)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void AppSettings_Compiled_AreAllReadByTheAppOrTheHost()
    {
        var unknown = AppSettings().Keys.Where(name => !KnownSettings.Contains(name)).ToList();

        Assert.True(unknown.Count == 0, $"Set by infra/ but read by nothing: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void AppSettings_Compiled_SetEveryIdentityStorageSetting()
    {
        var settings = AppSettings();

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.StartsWith("[", settings["AzureWebJobsStorage__accountName"]);
        Assert.StartsWith("[", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal(settings["AzureWebJobsStorage__clientId"], settings[TelemetryServiceCollectionExtensions.ClientIdSetting]);
        Assert.False(settings.ContainsKey(StorageNames.Connection), "AzureWebJobsStorage would be a connection string");
    }

    [Fact]
    public void AppSettings_Compiled_OptionValuesBindToTheirOptions()
    {
        var literal = AppSettings().Where(pair => OptionsTypes.Any(type => pair.Key.StartsWith(SectionOf(type) + "__", StringComparison.Ordinal)))
            .ToDictionary(pair => pair.Key.Replace("__", ConfigurationPath.KeyDelimiter), pair => (string?)pair.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(literal).Build();

        Assert.NotEmpty(literal);
        Assert.Equal(int.Parse(literal["Compute:InvocationBudgetSeconds"]!), Bind<ComputeOptions>(configuration).InvocationBudgetSeconds);
        Assert.Equal(int.Parse(literal["Jobs:MaxWaitSeconds"]!), Bind<WatchOptions>(configuration).MaxWaitSeconds);
        Assert.Equal(int.Parse(literal["Storage:IndexShards"]!), Bind<StorageOptions>(configuration).IndexShards);
    }

    [Fact]
    public void OptionBinding_MisspelledSetting_IsCaught()
    {
        // The check above binds strictly, so a misspelled property in a known section fails it rather than being ignored.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Compute:InvocationBudget"] = "60" }).Build();

        Assert.Throws<InvalidOperationException>(() => Bind<ComputeOptions>(configuration));
        Assert.DoesNotContain("Compute__InvocationBudget", KnownSettings);
    }

    [Fact]
    public void LocalSettings_Values_AreAllReadByTheAppOrTheHost()
    {
        var values = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.json")))!["Values"]!.AsObject();

        Assert.All(values, pair => Assert.Contains(pair.Key, KnownSettings));
    }

    private static IEnumerable<string> OptionSettings(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .Select(property => $"{SectionOf(options)}__{property.Name}");

    private static string SectionOf(Type options) => (string)options.GetField("Section")!.GetValue(null)!;

    private static T Bind<T>(IConfiguration configuration) where T : new()
    {
        var options = new T();
        configuration.GetSection(SectionOf(typeof(T))).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    private Dictionary<string, string> AppSettings() =>
        Assert.Single(infra.Resources("Microsoft.Web/sites/config"), resource =>
                resource.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal))
            .GetProperty("properties").EnumerateObject()
            .ToDictionary(property => property.Name, property => property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
}
