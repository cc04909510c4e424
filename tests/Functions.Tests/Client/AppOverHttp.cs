using Functions.Tests.Fixtures;

namespace Functions.Tests.Client;

/// <summary>The app's real composition served over real HTTP on loopback: what <see cref="JobsClientAppTests"/> run against.</summary>
internal interface IAppOverHttp : IAsyncDisposable
{
    /// <summary>Where the function methods answer, routed as functions.metadata routes them.</summary>
    Uri BaseUri { get; }

    /// <summary>The app behind it, for its queue listener (<see cref="FunctionApp.StartListening"/>) and store.</summary>
    FunctionApp App { get; }
}

/// <summary>
/// The seam to the Kestrel host in front of the function methods that tests/Functions.Tests/Fixtures/ is to provide.
/// Until it is there, <see cref="MissingReason"/> says so and every test that needs it reports skipped; wiring
/// <see cref="StartAsync"/> to it runs them.
/// </summary>
internal static class AppOverHttp
{
    public static readonly string? MissingReason =
        "Needs the Kestrel host of the function methods (tests/Functions.Tests/Fixtures/), which is not in the tree yet; AppOverHttp.StartAsync is where it plugs in.";

    /// <summary>Starts the app, as Program.cs composes it with <paramref name="settings"/> on top, behind a loopback HTTP server.</summary>
    public static Task<IAppOverHttp> StartAsync(string connectionString, IDictionary<string, string?>? settings = null) =>
        throw new NotSupportedException(MissingReason);
}
