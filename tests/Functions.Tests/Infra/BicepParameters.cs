using System.Globalization;
using System.Text;

namespace Functions.Tests.Infra;

/// <summary>
/// A .bicepparam file for infra/main.bicep in a temporary folder, so build-params and snapshot write nothing into the
/// repository. Bicep takes only a relative path after <c>using</c>, hence the path from the folder to the template.
/// </summary>
public sealed class BicepParameters : IDisposable
{
    /// <summary>The parameters azd always supplies (AZURE_ENV_NAME, AZURE_LOCATION); the rest keep their defaults.</summary>
    public static IReadOnlyDictionary<string, object> Required { get; } =
        new Dictionary<string, object> { ["environmentName"] = "test", ["location"] = "eastus" };

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("bicepparam-");

    public BicepParameters(IReadOnlyDictionary<string, object> values)
    {
        var template = Path.Combine(BicepCli.RepositoryRoot, "infra", "main.bicep");
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"using '{Path.GetRelativePath(directory.FullName, template).Replace('\\', '/')}'");
        var all = new Dictionary<string, object>(Required);
        foreach (var (name, value) in values) all[name] = value;
        foreach (var (name, value) in all)
            text.AppendLine(CultureInfo.InvariantCulture, $"param {name} = {Literal(value)}");
        File.WriteAllText(FilePath, text.ToString());
    }

    public string FilePath => Path.Combine(directory.FullName, "main.bicepparam");

    /// <summary>Where <c>bicep snapshot</c> writes its result for this file.</summary>
    public string SnapshotPath => Path.Combine(directory.FullName, "main.snapshot.json");

    public static BicepParameters With(string name, object value) => new(new Dictionary<string, object> { [name] = value });

    public void Dispose() => directory.Delete(recursive: true);

    private static string Literal(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        int number => number.ToString(CultureInfo.InvariantCulture),
        string text => $"'{text.Replace("'", "\\'", StringComparison.Ordinal)}'",
        _ => throw new ArgumentException($"No Bicep literal for {value.GetType()}", nameof(value)),
    };
}
