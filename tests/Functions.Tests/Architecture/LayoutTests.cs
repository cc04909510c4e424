using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Functions.Tests.Fixtures;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Functions.Tests.Architecture;

/// <summary>The layout README's tour describes, held by the compiled app: no cycles between folders, and the Azure SDK in its room.</summary>
[Trait("Category", TestCategories.Slow)]
public sealed class LayoutTests
{
    private static readonly ArchUnitNET.Domain.Architecture App = new ArchLoader().LoadAssemblies(typeof(HelloFunction).Assembly).Build();

    [Fact]
    public void Folders_DependOnEachOtherWithoutCycles()
    {
        // A folder is a namespace under Functions with its sub-namespaces (Compute holds Compute.Primes); the root
        // namespace (the function classes and App) counts as one too, so the root and a folder cannot use each other.
        var edges = App.Types
            .Where(type => Folder(type.Namespace.FullName) is not null)
            .SelectMany(type => type.Dependencies.Select(dependency => (From: Folder(type.Namespace.FullName)!, To: Folder(dependency.Target.Namespace?.FullName))))
            .Where(edge => edge.To is not null && edge.To != edge.From)
            .Select(edge => (edge.From, To: edge.To!))
            .Distinct()
            .ToLookup(edge => edge.From, edge => edge.To);

        Assert.Empty(Cycles(edges));
    }

    [Fact]
    public void AzureSdk_IsUsedOnlyByStorageAndTheTelemetryCredential() =>
        Types().That().ResideInNamespaceMatching(@"^Functions(\..*)?$")
            .And().DoNotResideInNamespaceMatching(@"^Functions\.(Storage|Telemetry)(\..*)?$")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Azure(\..*)?$")
            .Check(App);

    [Fact]
    public void Compute_UsesNothingOfTheRestOfTheApp() =>
        Types().That().ResideInNamespaceMatching(@"^Functions\.Compute(\..*)?$")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^Functions(\.(?!Compute)[^.]+.*)?$")
            .Check(App);

    /// <summary>The folder of a namespace: <c>Functions.Compute.Primes</c> is in <c>Compute</c>; the root namespace (the function classes) is <c>(root)</c>.</summary>
    private static string? Folder(string? ns) =>
        ns == "Functions" ? Root
        : ns?.StartsWith("Functions.", StringComparison.Ordinal) == true ? ns!.Split('.')[1]
        : null;

    private const string Root = "(root)";

    /// <summary>Each cycle as "A -> B -> A", found by a depth-first search from every folder.</summary>
    private static List<string> Cycles(ILookup<string, string> edges)
    {
        var cycles = new List<string>();
        foreach (var start in edges.Select(group => group.Key))
        {
            var path = new Stack<string>([start]);
            Visit(start);

            void Visit(string folder)
            {
                foreach (var next in edges[folder])
                {
                    if (next == start) cycles.Add(string.Join(" -> ", path.Reverse().Append(start)));
                    else if (!path.Contains(next) && string.CompareOrdinal(next, start) > 0)
                    {
                        path.Push(next);
                        Visit(next);
                        path.Pop();
                    }
                }
            }
        }

        return cycles;
    }
}
