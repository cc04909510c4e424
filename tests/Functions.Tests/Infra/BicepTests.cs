using System.Text.Json;
using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Infra;

[Trait("Category", TestCategories.Slow)]
public sealed class BicepTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    [Fact]
    public void Build_MainBicep_SucceedsWithoutWarnings()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.StandardError);
        Assert.Empty(infra.Build.WarningsAndErrors);
    }

    [Fact]
    public async Task Lint_MainBicep_ReportsNoWarnings()
    {
        var lint = await BicepCli.RunAsync("lint", "infra/main.bicep");

        Assert.True(lint.ExitCode == 0, lint.StandardError);
        Assert.Empty(lint.WarningsAndErrors);
    }

    [Fact]
    public async Task Lint_FileWithUnusedParameter_ReportsWarning()
    {
        // Proves the warning detection above can fail: the same parser must see this one.
        var directory = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            var file = Path.Combine(directory.FullName, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n");

            var lint = await BicepCli.RunAsync("lint", file);

            Assert.Contains(lint.WarningsAndErrors, line => line.Contains("no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void StorageAccount_Compiled_DisablesSharedKeyAndPublicBlobAccess()
    {
        var properties = Assert.Single(infra.Resources("Microsoft.Storage/storageAccounts")).GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("Compute__InvocationBudgetSeconds", "60")]
    [InlineData("Jobs__MaxWaitSeconds", "200")]
    [InlineData("Storage__IndexShards", "4")]
    public void AppSettings_Compiled_HaveValue(string name, string value)
    {
        Assert.Equal(value, AppSettings().GetProperty(name).GetString());
    }

    [Fact]
    public void AppSettings_Compiled_ConnectStorageAndTelemetryThroughTheIdentity()
    {
        var settings = AppSettings();

        Assert.Equal("[parameters('storageAccountName')]", settings.GetProperty("AzureWebJobsStorage__accountName").GetString());
        Assert.Equal("[parameters('identityClientId')]", settings.GetProperty("AzureWebJobsStorage__clientId").GetString());
        Assert.Contains("Authorization=AAD", settings.GetProperty("APPLICATIONINSIGHTS_AUTHENTICATION_STRING").GetString());
        Assert.False(settings.TryGetProperty("AzureWebJobsStorage", out _), "AzureWebJobsStorage would be a connection string");
    }

    [Theory]
    [InlineData("AccountKey")]
    [InlineData("listKeys")]
    [InlineData("DefaultEndpointsProtocol")]
    public void Template_Compiled_ContainsNoStorageKey(string keyMarker)
    {
        Assert.DoesNotContain(keyMarker, infra.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Plan_Compiled_IsFlexConsumption()
    {
        var sku = Assert.Single(infra.Resources("Microsoft.Web/serverfarms")).GetProperty("sku");

        Assert.Equal("FC1", sku.GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", sku.GetProperty("tier").GetString());
    }

    [Fact]
    public void FunctionApp_Compiled_RunsDotnetIsolated10FromIdentityAuthenticatedContainer()
    {
        var config = FunctionApp().GetProperty("properties").GetProperty("functionAppConfig");
        var runtime = config.GetProperty("runtime");
        var deployment = config.GetProperty("deployment").GetProperty("storage");

        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.Equal("blobContainer", deployment.GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("authentication").GetProperty("type").GetString());
        Assert.True(config.GetProperty("scaleAndConcurrency").TryGetProperty("maximumInstanceCount", out _));
        Assert.True(config.GetProperty("scaleAndConcurrency").TryGetProperty("instanceMemoryMB", out _));
    }

    [Fact]
    public async Task FunctionApp_Compiled_TaggedWithTheAzureYamlServiceName()
    {
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        var service = Regex.Match(azureYaml, @"^services:\s*\n\s+([\w-]+):", RegexOptions.Multiline).Groups[1].Value;

        Assert.Equal("api", service);
        Assert.Contains($"'azd-service-name', '{service}'", FunctionApp().GetProperty("tags").GetString());
    }

    [Fact]
    public async Task AzureYaml_ApiService_PublishesTheFunctionAppProjectFile()
    {
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        var project = Regex.Match(azureYaml, @"^\s+project:\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;

        // A directory holding both Functions.sln and Functions.csproj makes `dotnet publish` pick the solution.
        Assert.EndsWith(".csproj", project, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(BicepCli.RepositoryRoot, project)), project);
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices/queues", "jobs")]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices/queues", "jobs-poison")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables", "jobs")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers", "job-results")]
    public void StorageResources_Compiled_DeclareFixedName(string type, string name)
    {
        var names = infra.Resources(type).Select(resource => resource.GetProperty("name").GetString());

        Assert.Contains($"[format('{{0}}/{{1}}/{{2}}', parameters('name'), 'default', '{name}')]", names);
    }

    [Fact]
    public void RoleAssignments_Compiled_GrantOnlyTheDataRolesTheAppNeeds()
    {
        var rbacTemplate = infra.Module("rbac").GetProperty("properties").GetProperty("template").GetRawText();
        var roleIds = Regex.Matches(rbacTemplate, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .Select(match => match.Value)
            .ToHashSet();

        string[] expected =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        ];
        Assert.Equal(expected.Order(), roleIds.Order());
    }

    [Fact]
    public void FunctionModule_Compiled_DeploysAfterRoleAssignments()
    {
        var dependsOn = infra.Module("function").GetProperty("dependsOn").EnumerateArray().Select(item => item.GetString());

        Assert.Contains(dependsOn, dependency => dependency!.Contains("'rbac'", StringComparison.Ordinal));
    }

    private JsonElement FunctionApp() => Assert.Single(infra.Resources("Microsoft.Web/sites"));

    private JsonElement AppSettings() =>
        Assert.Single(infra.Resources("Microsoft.Web/sites/config"), resource =>
            resource.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal))
            .GetProperty("properties");
}
