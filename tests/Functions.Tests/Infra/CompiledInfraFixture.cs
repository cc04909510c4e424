using System.Text.Json;

namespace Functions.Tests.Infra;

/// <summary>Compiles infra/main.bicep once for all <see cref="BicepTests"/>.</summary>
public sealed class CompiledInfraFixture : IAsyncLifetime
{
    public BicepRun Build { get; private set; } = null!;

    public string TemplateText => Build.StandardOutput;

    public JsonElement Template { get; private set; }

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        if (Build.ExitCode == 0) Template = JsonDocument.Parse(Build.StandardOutput).RootElement.Clone();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every resource in the template, including those inside nested module deployments.</summary>
    public IEnumerable<JsonElement> Resources() => ResourcesOf(Template);

    public IEnumerable<JsonElement> Resources(string type) =>
        Resources().Where(resource => resource.GetProperty("type").GetString() == type);

    public JsonElement Module(string name) =>
        Resources("Microsoft.Resources/deployments").Single(resource => resource.GetProperty("name").GetString() == name);

    private static IEnumerable<JsonElement> ResourcesOf(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        // Templates with symbolic names (languageVersion 2.0) hold resources in an object instead of an array.
        var items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(property => property.Value)
            : resources.EnumerateArray();
        foreach (var resource in items)
        {
            yield return resource;
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in ResourcesOf(nested)) yield return inner;
            }
        }
    }
}
