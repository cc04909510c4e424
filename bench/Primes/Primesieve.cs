using System.Globalization;
using System.Text.RegularExpressions;

namespace Functions.Bench.Primes;

/// <summary>One primesieve run: the count, its own reported sieving time, and its CPU time where the shell gave it.</summary>
public sealed record PrimesieveRun(long Count, double Seconds, double? CpuSeconds);

/// <summary>The reference: Kim Walisch's primesieve command line (Debian package <c>primesieve</c>).</summary>
public static partial class Primesieve
{
    public const string NotInstalled = "primesieve not installed";

    /// <summary>π(<paramref name="limit"/>), or null when primesieve is not installed.</summary>
    public static Task<PrimesieveRun?> CountAsync(long limit, int? threads) => CountAsync(0, limit, threads);

    /// <summary>
    /// The primes in [<paramref name="low"/>, <paramref name="high"/>], or null when primesieve is not installed. Run
    /// under bash, whose <c>times</c> adds its CPU time (user + system, all threads): unlike wall time it does not grow
    /// while other programs hold the cores.
    /// </summary>
    public static async Task<PrimesieveRun?> CountAsync(long low, long high, int? threads)
    {
        string[] arguments = [low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture), "--time", "-q",
            .. threads is { } t ? [$"--threads={t}"] : Array.Empty<string>()];
        var output = await Machine.RunAsync("bash", ["-c", "command -v primesieve >/dev/null || exit 0; primesieve \"$@\" && times", "primesieve", .. arguments]);
        output ??= await Machine.RunAsync("primesieve", arguments);
        var lines = output?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var seconds = lines.Select(l => SecondsLine().Match(l)).FirstOrDefault(m => m.Success);
        if (seconds is null) return null;
        var count = long.Parse(lines.First(l => l.All(char.IsAsciiDigit)), CultureInfo.InvariantCulture);
        double? cpu = lines.Length > 0 && TimesLine().Match(lines[^1]) is { Success: true } children
            ? Minutes(children, 1) + Minutes(children, 3)
            : null;
        return new PrimesieveRun(count, double.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture), cpu);
    }

    private static double Minutes(Match times, int group) =>
        double.Parse(times.Groups[group].Value, CultureInfo.InvariantCulture) * 60 + double.Parse(times.Groups[group + 1].Value, CultureInfo.InvariantCulture);

    /// <summary>The children's line of bash's <c>times</c>: "0m1.234s 0m0.010s".</summary>
    [GeneratedRegex(@"^([0-9]+)m([0-9.]+)s\s+([0-9]+)m([0-9.]+)s$")]
    private static partial Regex TimesLine();

    [GeneratedRegex(@"^Seconds:\s*([0-9.]+)$")]
    private static partial Regex SecondsLine();
}
