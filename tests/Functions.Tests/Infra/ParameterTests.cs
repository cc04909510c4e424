using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Infra;

/// <summary>
/// The deployment parameters accept what the platform accepts: Flex Consumption takes a maximum instance count of
/// 1..1000 (per scale group) and instance memory of 512, 2048 or 4096 MB; and azd's main.parameters.json feeds only
/// parameters the template declares, with defaults inside those ranges.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed partial class ParameterTests(InfraSnapshotFixture snapshots, CompiledInfraFixture infra)
    : IClassFixture<InfraSnapshotFixture>, IClassFixture<CompiledInfraFixture>
{
    [Theory]
    [InlineData("maximumInstanceCount", 0, false)]
    [InlineData("maximumInstanceCount", 1, true)]
    [InlineData("maximumInstanceCount", 1000, true)]
    [InlineData("maximumInstanceCount", 1001, false)]
    [InlineData("instanceMemoryMB", 512, true)]
    [InlineData("instanceMemoryMB", 1024, false)]
    [InlineData("instanceMemoryMB", 2048, true)]
    [InlineData("instanceMemoryMB", 4096, true)]
    public async Task BuildParams_Value_AcceptedOnlyInThePlatformRange(string parameter, int value, bool accepted)
    {
        using var file = BicepParameters.With(parameter, value);

        var build = await BicepCli.RunAsync("build-params", file.FilePath, "--stdout");

        Assert.Equal(accepted, build.ExitCode == 0);
        if (accepted) Assert.Empty(build.WarningsAndErrors);
        else Assert.Contains(build.WarningsAndErrors, line => line.Contains(": Error BCP", StringComparison.Ordinal));
    }

    [Fact]
    public void Snapshot_Defaults_ScaleTo100InstancesPerGroupOf4096MB()
    {
        var scale = snapshots.Public.Single("Microsoft.Web/sites").GetProperty("properties")
            .GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");

        Assert.Equal(100, scale.GetProperty("maximumInstanceCount").GetInt32());
        Assert.Equal(4096, scale.GetProperty("instanceMemoryMB").GetInt32());
    }

    [Fact]
    public void MaximumInstanceCount_Description_SaysTheCapIsPerScaleGroup()
    {
        var description = infra.Template.GetProperty("parameters").GetProperty("maximumInstanceCount")
            .GetProperty("metadata").GetProperty("description").GetString();

        Assert.Contains("EACH per-function scale group", description, StringComparison.Ordinal);
    }

    [Fact]
    public void MainParameters_NameOnlyDeclaredParameters_WithDefaultsTheTemplateAccepts()
    {
        var declared = infra.Template.GetProperty("parameters");
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "infra", "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.All(file, pair =>
        {
            Assert.True(declared.TryGetProperty(pair.Key, out var parameter), $"main.parameters.json sets {pair.Key}, which main.bicep does not declare");
            var value = pair.Value!["value"]!.GetValue<string>();
            var fallback = EnvironmentDefault().Match(value);
            if (!fallback.Success || parameter.GetProperty("type").GetString() != "int") return;

            var number = int.Parse(fallback.Groups["default"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (parameter.TryGetProperty("minValue", out var min)) Assert.True(number >= min.GetInt32(), $"{pair.Key} default {number}");
            if (parameter.TryGetProperty("maxValue", out var max)) Assert.True(number <= max.GetInt32(), $"{pair.Key} default {number}");
            if (parameter.TryGetProperty("allowedValues", out var allowed)) Assert.Contains(number, allowed.EnumerateArray().Select(item => item.GetInt32()));
        });
    }

    /// <summary>azd's <c>${NAME=default}</c>: the environment variable, or the default when it is unset or empty.</summary>
    [GeneratedRegex(@"^\$\{(?<name>[A-Z0-9_]+)=(?<default>[^}]*)\}$")]
    private static partial Regex EnvironmentDefault();
}
