using System.Text.Json;

namespace Functions.Tests.Infra;

/// <summary>
/// What <c>bicep snapshot</c> predicts a deployment of infra/main.bicep creates for one set of parameters: the
/// resources with their conditions, loops and expressions evaluated offline, as far as they do not depend on
/// runtime values (those stay as expressions such as <c>[reference(…)]</c>).
/// </summary>
public sealed class InfraSnapshot
{
    // Arbitrary but fixed ids, so names derived from uniqueString() are stable.
    private const string SubscriptionId = "00000000-0000-0000-0000-0000000000a1";
    private const string TenantId = "00000000-0000-0000-0000-0000000000b2";

    private InfraSnapshot(BicepRun run, JsonElement? document)
    {
        Run = run;
        Resources = document?.GetProperty("predictedResources").EnumerateArray().ToList() ?? [];
        Diagnostics = document?.GetProperty("diagnostics").EnumerateArray().Select(item => item.GetRawText()).ToList() ?? [];
    }

    public BicepRun Run { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    /// <summary>What the offline evaluation itself reported about the template.</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    public static async Task<InfraSnapshot> TakeAsync(IReadOnlyDictionary<string, object> parameters)
    {
        using var file = new BicepParameters(parameters);
        var run = await BicepCli.RunAsync(
            "snapshot", file.FilePath, "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--location", BicepParameters.Required["location"].ToString()!, "--deployment-name", "snapshot");
        JsonElement? document = run.ExitCode == 0 && File.Exists(file.SnapshotPath)
            ? JsonDocument.Parse(await File.ReadAllTextAsync(file.SnapshotPath)).RootElement.Clone()
            : null;
        return new InfraSnapshot(run, document);
    }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(resource => resource.GetProperty("type").GetString() == type);

    public JsonElement Single(string type) => Assert.Single(OfType(type));

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;
}

/// <summary>Snapshots of infra/main.bicep in both network modes, taken once for all the tests that read them.</summary>
public sealed class InfraSnapshotFixture : IAsyncLifetime
{
    /// <summary>The default deployment (<c>vnetEnabled</c> not given, so off).</summary>
    public InfraSnapshot Public { get; private set; } = null!;

    /// <summary><c>vnetEnabled</c> on: storage behind private endpoints, the app in a virtual network.</summary>
    public InfraSnapshot Private { get; private set; } = null!;

    public InfraSnapshot For(bool vnetEnabled) => vnetEnabled ? Private : Public;

    public async Task InitializeAsync()
    {
        var snapshots = await Task.WhenAll(
            InfraSnapshot.TakeAsync(new Dictionary<string, object>()),
            InfraSnapshot.TakeAsync(new Dictionary<string, object> { ["vnetEnabled"] = true }));
        (Public, Private) = (snapshots[0], snapshots[1]);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
