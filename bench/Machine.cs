using System.Diagnostics;
using System.Globalization;

namespace Functions.Bench;

/// <summary>What the figures depend on: other load on the machine, external reference programs.</summary>
public static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Runs a program to completion and returns its standard output, or null when it is not installed.</summary>
    public static async Task<string?> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{program} failed: {await error}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>True when Functions.dll was built without optimisation, which makes the kernels many times slower.</summary>
    public static bool KernelsUnoptimized() =>
        typeof(Functions.Compute.IComputeKind).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled);

    public static string Seconds(double seconds) => seconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    public static string Number(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
}
