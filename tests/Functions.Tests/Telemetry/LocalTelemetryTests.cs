using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Functions.Telemetry;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.Extensions.Hosting;

// The control case below: an assembly that carries the attribute, as Functions.dll would if it were generated.
[assembly: UserSecretsId("functions-tests-user-secrets-control")]

namespace Functions.Tests.Telemetry;

/// <summary>
/// A local run exports telemetry only when asked (APPLICATIONINSIGHTS_CONNECTION_STRING in local.settings.json or the
/// environment), even after <c>azd up</c>: azd runs <c>dotnet user-secrets init</c> on the project and copies every
/// deployment output, the Application Insights connection string included, into the user-secrets store, which a
/// worker host in Development would otherwise read.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed class LocalTelemetryTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task UserSecretsInit_OnTheAppProject_LeavesTheProjectFileAsItIs()
    {
        var project = await UserSecretsInitAsync(File.ReadAllText(RepositoryRoot.File("Functions.csproj")));

        Assert.Equal(project.Before, project.After);
    }

    [Fact]
    public async Task UserSecretsInit_OnAProjectWithoutAnId_EditsIt()
    {
        // The control: what azd does to a project that has no UserSecretsId, i.e. what the id in Functions.csproj prevents.
        var document = XDocument.Parse(File.ReadAllText(RepositoryRoot.File("Functions.csproj")));
        document.Descendants("UserSecretsId").Remove();

        var project = await UserSecretsInitAsync(document.ToString());

        Assert.NotEqual(project.Before, project.After);
        Assert.Contains("<UserSecretsId>", project.After, StringComparison.Ordinal);
    }

    [Fact]
    public void AppAssembly_HasNoUserSecretsId_SoNoHostReadsTheStore()
    {
        Assert.Null(Attribute.GetCustomAttribute(typeof(TelemetryServiceCollectionExtensions).Assembly, typeof(UserSecretsIdAttribute)));
    }

    [Fact]
    public void HostDefaults_DevelopmentForTheApp_AddNoUserSecretsSource()
    {
        var builder = DevelopmentBuilder(typeof(TelemetryServiceCollectionExtensions).Assembly);

        Assert.True(builder.Environment.IsDevelopment());
        Assert.DoesNotContain(builder.Configuration.Sources, IsUserSecrets);
    }

    [Fact]
    public void HostDefaults_DevelopmentForAnAssemblyWithAnId_AddTheUserSecretsSource()
    {
        // The control: the same defaults for an assembly that carries the attribute read its secrets file.
        var builder = DevelopmentBuilder(typeof(LocalTelemetryTests).Assembly);

        Assert.Contains(builder.Configuration.Sources, IsUserSecrets);
    }

    [Fact]
    public void LocalSettings_DoNotSetAConnectionString()
    {
        var values = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.json")))!["Values"]!.AsObject();

        Assert.False(values.ContainsKey(TelemetryServiceCollectionExtensions.ConnectionStringSetting));
    }

    /// <summary>
    /// The default configuration the worker's builder applies (FunctionsApplication.CreateBuilder runs the same host
    /// defaults), in Development as under <c>func start</c>, which sets AZURE_FUNCTIONS_ENVIRONMENT=Development. Given
    /// here through settings rather than that variable, which would reach every host the other tests build meanwhile.
    /// </summary>
    private static HostApplicationBuilder DevelopmentBuilder(System.Reflection.Assembly application) =>
        new(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development, ApplicationName = application.GetName().Name });

    private static bool IsUserSecrets(IConfigurationSource source) =>
        source is JsonConfigurationSource { Path: "secrets.json" };

    /// <summary>Runs the command azd runs, on a copy of the project file in a temporary folder.</summary>
    private static async Task<(string Before, string After)> UserSecretsInitAsync(string projectText)
    {
        var directory = Directory.CreateTempSubdirectory("user-secrets-");
        try
        {
            var project = Path.Combine(directory.FullName, "Functions.csproj");
            await File.WriteAllTextAsync(project, projectText);
            var start = new ProcessStartInfo(DotnetHost(), ["user-secrets", "init", "--project", project])
            {
                WorkingDirectory = directory.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            using var deadline = new CancellationTokenSource(CommandTimeout);
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, await output + await error);
            return (projectText, await File.ReadAllTextAsync(project));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
