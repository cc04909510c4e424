namespace Functions.Tests.Fixtures;

/// <summary>One Azurite for all storage-backed tests, started on free ports and stopped at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    public string ConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "storage";
}
