using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Jobs;
using Functions.Storage;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Infra;

/// <summary>The queue, table and container names agree between the code, the function bindings and infra/.</summary>
[Trait("Category", TestCategories.Slow)]
public sealed partial class StorageNamesTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    [Fact]
    public void Queues_CodeBindingsAndInfra_Agree()
    {
        string[] inCode = [StorageNames.JobsQueue, StorageNames.PoisonQueue, StorageNames.CallbacksQueue];
        // Nothing listens on callbacks-poison: it keeps the deliveries given up on, for operators.
        string[] declared = [.. inCode, StorageNames.CallbacksPoisonQueue];
        var bound = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .SelectMany(function => function!["bindings"]!.AsArray())
            .Where(binding => binding!["type"]!.GetValue<string>() == "queueTrigger")
            .Select(binding => binding!["queueName"]!.GetValue<string>());

        Assert.Equal(inCode.Order(), bound.Order());
        Assert.Equal(declared.Order(), Declared("Microsoft.Storage/storageAccounts/queueServices/queues").Order());
    }

    [Fact]
    public void Tables_CodeAndInfra_Agree()
    {
        Assert.Equal([StorageNames.JobsTable], Declared("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void Containers_CodeAndInfra_Agree()
    {
        // The deployment package container is named by a parameter and is the platform's, not the app's.
        Assert.Equal([StorageNames.ResultsContainer], Declared("Microsoft.Storage/storageAccounts/blobServices/containers"));
    }

    /// <summary>The literal names of the child resources of one type: "[format('{0}/{1}/{2}', parameters('name'), 'default', 'jobs')]" gives "jobs".</summary>
    private IEnumerable<string> Declared(string type) =>
        infra.Resources(type)
            .Select(resource => LiteralChildName().Match(resource.GetProperty("name").GetString()!))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToList();

    [GeneratedRegex(@"'default', '(?<name>[^']+)'\)\]$")]
    private static partial Regex LiteralChildName();
}
