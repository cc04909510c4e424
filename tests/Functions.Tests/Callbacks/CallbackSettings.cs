using System.Security.Cryptography;

namespace Functions.Tests.Callbacks;

/// <summary>The callback settings the tests run the app with: a signing secret, and loopback receivers allowed.</summary>
internal static class CallbackSettings
{
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static Dictionary<string, string?> Local(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Callbacks:Secret"] = Secret,
            ["Callbacks:AllowPrivateNetworks"] = "true",
            ["Compute:TestKinds"] = "true",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }
}
