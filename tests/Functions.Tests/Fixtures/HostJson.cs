using System.Text.Json.Nodes;

namespace Functions.Tests.Fixtures;

/// <summary>The queue settings in the app's host.json, as the Functions host reads them.</summary>
public static class HostJson
{
    public static JsonNode Root { get; } = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("host.json")))!;

    public static string MessageEncoding => Root["extensions"]?["queues"]?["messageEncoding"]?.GetValue<string>() ?? "base64";

    public static int MaxDequeueCount => Root["extensions"]?["queues"]?["maxDequeueCount"]?.GetValue<int>() ?? 5;

    /// <summary>The longest one invocation may run before the host ends it.</summary>
    public static TimeSpan FunctionTimeout => TimeSpan.Parse(Root["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
