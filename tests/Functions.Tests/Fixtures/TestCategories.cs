namespace Functions.Tests.Fixtures;

/// <summary>
/// The values of the <c>Category</c> trait, one per thing a test needs beyond the CPU: <c>./test.sh --fast</c> leaves
/// out every test that has one. A test class says what it needs once, on the class:
/// <c>[Trait("Category", TestCategories.Storage)]</c>.
/// </summary>
public static class TestCategories
{
    /// <summary>Needs Azurite: the storage fixture, a <c>FunctionApp</c> on it, or an Azurite of its own.</summary>
    public const string Storage = "Storage";

    /// <summary>Needs Chromium: the dashboard driven in a browser.</summary>
    public const string Browser = "Browser";

    /// <summary>Needs Azure Functions Core Tools: the app run by <c>func start</c>.</summary>
    public const string EndToEnd = "EndToEnd";

    /// <summary>Takes more than about two seconds alone: a tool run (Bicep, Kiota, the load tool), or a big computation.</summary>
    public const string Slow = "Slow";
}
