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

    /// <summary>
    /// The CPU time (user + system, all threads) primesieve takes for the primes in [<paramref name="low"/>,
    /// <paramref name="high"/>], from the shell's <c>times</c>: unlike wall time it does not grow while other programs
    /// hold the cores. Null when primesieve or bash is missing.
    /// </summary>
    public static async Task<(long Count, double CpuSeconds)?> CpuTimeAsync(long low, long high, int threads)
    {
        var output = await Machine.RunAsync("bash", "-c", "command -v primesieve >/dev/null || exit 0; primesieve \"$@\" -q && times", "primesieve",
            low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture), $"--threads={threads}");
        if (output is null) return null;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 3 || TimesLine().Match(lines[^1]) is not { Success: true } children) return null;
        double Seconds(int g) => double.Parse(children.Groups[g].Value, CultureInfo.InvariantCulture) * 60
            + double.Parse(children.Groups[g + 1].Value, CultureInfo.InvariantCulture);
        return (long.Parse(lines[^3], CultureInfo.InvariantCulture), Seconds(1) + Seconds(3));
    }

    /// <summary>The children's line of bash's <c>times</c>: "0m1.234s 0m0.010s".</summary>
    [GeneratedRegex(@"^([0-9]+)m([0-9.]+)s\s+([0-9]+)m([0-9.]+)s$")]
    private static partial Regex TimesLine();

    [GeneratedRegex(@"Seconds:\s*([0-9.]+)")]
    private static partial Regex SecondsLine();
}
