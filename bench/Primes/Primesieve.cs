using System.Globalization;
using System.Text.RegularExpressions;

namespace Functions.Bench.Primes;

/// <summary>The reference: Kim Walisch's primesieve command line (Debian package <c>primesieve</c>).</summary>
public static partial class Primesieve
{
    public const string NotInstalled = "primesieve not installed";

    /// <summary>Its own reported sieving time for π(<paramref name="limit"/>), or null when it is not installed.</summary>
    public static Task<(long Count, double Seconds)?> CountAsync(long limit, int? threads) => CountAsync(0, limit, threads);

    /// <summary>Its own reported sieving time for the primes in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static async Task<(long Count, double Seconds)?> CountAsync(long low, long high, int? threads)
    {
        string[] range = low == 0
            ? [high.ToString(CultureInfo.InvariantCulture)]
            : [low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture)];
        string[] arguments = threads is { } t ? [.. range, "--time", "-q", $"--threads={t}"] : [.. range, "--time", "-q"];
        var output = await Machine.RunAsync("primesieve", arguments);
        if (output is null) return null;
        var seconds = SecondsLine().Match(output);
        var count = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return (long.Parse(count, CultureInfo.InvariantCulture), double.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Seconds:\s*([0-9.]+)")]
    private static partial Regex SecondsLine();
}
