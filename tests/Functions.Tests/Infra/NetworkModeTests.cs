using System.Text.Json;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Infra;

/// <summary>
/// Both network modes of infra/main.bicep, as <c>bicep snapshot</c> evaluates them offline: by default everything
/// is public (with keys off and Entra-only access); with <c>vnetEnabled</c> the storage account accepts only its
/// private endpoints and the app reaches them from a delegated subnet, as the Azure-Samples Flex Consumption
/// quickstarts do.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed class NetworkModeTests(InfraSnapshotFixture snapshots, CompiledInfraFixture infra)
    : IClassFixture<InfraSnapshotFixture>, IClassFixture<CompiledInfraFixture>
{
    private static readonly string[] StorageServices = ["blob", "queue", "table"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Snapshot_EitherMode_EvaluatesWithoutWarnings(bool vnetEnabled)
    {
        var snapshot = snapshots.For(vnetEnabled);

        Assert.True(snapshot.Run.ExitCode == 0, snapshot.Run.StandardError + snapshot.Run.StandardOutput);
        Assert.Empty(snapshot.Run.WarningsAndErrors);
        Assert.Empty(snapshot.Diagnostics);
        Assert.Single(snapshot.OfType("Microsoft.Web/sites"));
    }

    [Fact]
    public void DefaultMode_DeclaresNoNetworkAndLeavesStorageReachable()
    {
        var snapshot = snapshots.Public;
        var storage = snapshot.Single("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.DoesNotContain(snapshot.Resources, resource => resource.GetProperty("type").GetString()!.StartsWith("Microsoft.Network/", StringComparison.Ordinal));
        Assert.Equal("Enabled", storage.GetProperty("publicNetworkAccess").GetString());
        Assert.False(snapshot.Single("Microsoft.Web/sites").GetProperty("properties").TryGetProperty("virtualNetworkSubnetId", out var subnet)
            && subnet.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public void PrivateMode_StorageRefusesEveryoneOutsideTheNetwork()
    {
        var storage = snapshots.Private.Single("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.Equal("Disabled", storage.GetProperty("publicNetworkAccess").GetString());
        Assert.Equal("Deny", storage.GetProperty("networkAcls").GetProperty("defaultAction").GetString());
        Assert.Equal("None", storage.GetProperty("networkAcls").GetProperty("bypass").GetString());
        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
    }

    [Fact]
    public void PrivateMode_AppIntegratesIntoASubnetDelegatedToFlexConsumption()
    {
        var snapshot = snapshots.Private;
        var subnetId = snapshot.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("virtualNetworkSubnetId").GetString()!;
        var subnet = Subnet(snapshot, subnetId);

        var delegation = Assert.Single(subnet.GetProperty("properties").GetProperty("delegations").EnumerateArray());
        Assert.Equal("Microsoft.App/environments", delegation.GetProperty("properties").GetProperty("serviceName").GetString());
    }

    [Fact]
    public void PrivateMode_EveryStorageServiceTheAppUsesHasAPrivateEndpointInTheEndpointSubnet()
    {
        var snapshot = snapshots.Private;
        var storageId = InfraSnapshot.Id(snapshot.Single("Microsoft.Storage/storageAccounts"));
        var appSubnetId = snapshot.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("virtualNetworkSubnetId").GetString();

        var endpoints = snapshot.OfType("Microsoft.Network/privateEndpoints").Select(endpoint => endpoint.GetProperty("properties")).ToList();
        var connections = endpoints.Select(endpoint => Assert.Single(endpoint.GetProperty("privateLinkServiceConnections").EnumerateArray()).GetProperty("properties")).ToList();

        Assert.All(connections, connection => Assert.Equal(storageId, connection.GetProperty("privateLinkServiceId").GetString()));
        Assert.Equal(StorageServices, connections.Select(connection => Assert.Single(connection.GetProperty("groupIds").EnumerateArray()).GetString()).Order());
        Assert.All(endpoints, endpoint =>
        {
            var subnetId = endpoint.GetProperty("subnet").GetProperty("id").GetString()!;
            Assert.NotEqual(appSubnetId, subnetId);
            Subnet(snapshot, subnetId);
        });
    }

    [Fact]
    public void PrivateMode_EachEndpointRegistersInAPrivateZoneLinkedToTheNetwork()
    {
        var snapshot = snapshots.Private;
        var vnetId = InfraSnapshot.Id(snapshot.Single("Microsoft.Network/virtualNetworks"));
        var zoneNames = snapshot.OfType("Microsoft.Network/privateDnsZones").Select(zone => zone.GetProperty("name").GetString()!).ToList();
        var links = snapshot.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").ToList();
        var groups = snapshot.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").ToList();

        foreach (var service in StorageServices)
        {
            // Zone names stay expressions offline: environment().suffixes.storage is resolved at deployment.
            var zone = Assert.Single(zoneNames, name => name.Contains("privatelink", StringComparison.Ordinal) && name.Contains($"'{service}'", StringComparison.Ordinal));
            Assert.Single(links, link => link.GetProperty("name").GetString()!.Contains(zone[1..^1], StringComparison.Ordinal)
                && link.GetProperty("properties").GetProperty("virtualNetwork").GetProperty("id").GetString() == vnetId
                && !link.GetProperty("properties").GetProperty("registrationEnabled").GetBoolean());
            Assert.Single(groups, group => group.GetProperty("name").GetString()!.EndsWith($"-{service}/default", StringComparison.Ordinal)
                && Assert.Single(group.GetProperty("properties").GetProperty("privateDnsZoneConfigs").EnumerateArray())
                    .GetProperty("properties").GetProperty("privateDnsZoneId").GetString()!.Contains(zone[1..^1], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void FunctionModule_Compiled_WaitsForThePrivateEndpoints()
    {
        // In private mode the host's first start needs the endpoints and their DNS records, like it needs the roles.
        var dependsOn = infra.Module("function").GetProperty("dependsOn").EnumerateArray().Select(item => item.GetString()!);

        Assert.Contains(dependsOn, dependency => dependency.Contains("'storage-private-endpoints'", StringComparison.Ordinal));
    }

    private static JsonElement Subnet(InfraSnapshot snapshot, string subnetId)
    {
        var vnet = snapshot.Single("Microsoft.Network/virtualNetworks");
        var prefix = InfraSnapshot.Id(vnet) + "/subnets/";
        Assert.StartsWith(prefix, subnetId, StringComparison.Ordinal);
        var name = subnetId[prefix.Length..];
        return Assert.Single(vnet.GetProperty("properties").GetProperty("subnets").EnumerateArray(), subnet => subnet.GetProperty("name").GetString() == name);
    }
}
