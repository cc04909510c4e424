using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

/// <summary>Tunings the kernel may derive on other machines, so tests cover their block and segment edges here.</summary>
internal static class TestTunings
{
    /// <summary>The tuning <paramref name="name"/>'s caches give for counting up to <paramref name="limit"/>.</summary>
    public static PrimesTuning For(string name, long limit) => PrimesTuning.For(name switch
    {
        "today" => CpuCaches.Fallback,
        "48K/2M" => new CpuCaches(48 * 1024, 2 * 1024 * 1024, 1, "test"),
        "32K/512K" => new CpuCaches(32 * 1024, 512 * 1024, 1, "test"),
        "48K/1M" => new CpuCaches(48 * 1024, 1024 * 1024, 1, "test"),
        "36K/128K" => new CpuCaches(37 * 1024, 16 * 1024, 1, "test"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    }, limit);
}
