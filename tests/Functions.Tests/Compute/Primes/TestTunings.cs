using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

/// <summary>Tunings the kernel may derive on other machines, so tests cover their block and segment edges here.</summary>
internal static class TestTunings
{
    public static PrimesTuning For(string name) => name switch
    {
        "today" => PrimesTuning.For(CpuCaches.Fallback),
        "48K/2M" => PrimesTuning.For(new CpuCaches(48 * 1024, 2 * 1024 * 1024, 1, "test")),
        "32K/512K" => PrimesTuning.For(new CpuCaches(32 * 1024, 512 * 1024, 1, "test")),
        "48K/1M" => PrimesTuning.For(new CpuCaches(48 * 1024, 1024 * 1024, 1, "test")),
        "36K/128K" => PrimesTuning.For(new CpuCaches(37 * 1024, 16 * 1024, 1, "test")),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
