using System.Runtime.Intrinsics.X86;

namespace Functions.Compute.Primes;

/// <summary>
/// The data caches of one core, read once at start: the L1 data cache and the L2 with how many logical CPUs share it.
/// </summary>
/// <param name="L1DataBytes">The L1 data cache of one core.</param>
/// <param name="L2Bytes">The whole L2 cache that cpu0 uses.</param>
/// <param name="L2SharedBy">How many logical CPUs share that L2 (2 for two hyper-threads of one core).</param>
/// <param name="Source">Where the sizes came from: "setting", "sysfs", "cpuid" or "fallback".</param>
internal sealed record CpuCaches(int L1DataBytes, int L2Bytes, int L2SharedBy, string Source)
{
    /// <summary>When the caches cannot be read: 32 KiB L1d and a private 1 MiB L2, the sizes the kernel was tuned for.</summary>
    public static CpuCaches Fallback { get; } = new(32 * 1024, 1024 * 1024, 1, "fallback");

    /// <summary>
    /// The app setting (an environment variable, read before configuration is bound) that forces the sizes, to
    /// reproduce another machine's sizing on this one; see <see cref="FromSetting"/>.
    /// </summary>
    public const string Setting = "Compute__CacheSizes";

    /// <summary>This machine's caches, or those that <see cref="Setting"/> forces.</summary>
    public static CpuCaches Current { get; } = FromSetting(Environment.GetEnvironmentVariable(Setting)) ?? Detect();

    /// <summary>The L2 bytes one logical CPU can count on when every CPU sharing the L2 is busy.</summary>
    public int L2BytesPerCpu => L2Bytes / Math.Max(1, L2SharedBy);

    /// <summary>
    /// Linux's sysfs first (what primesieve reads too, and what a container or VM is shown), then the x86 CPUID cache
    /// leaves through .NET's <see cref="X86Base.CpuId"/> (any OS), else <see cref="Fallback"/>. .NET has no portable
    /// cache-size API.
    /// </summary>
    public static CpuCaches Detect() => FromSysfs("/sys/devices/system/cpu/cpu0/cache") ?? FromCpuId() ?? Fallback;

    /// <summary>
    /// Reads Linux's cache description (<c>index*/level</c>, <c>type</c>, <c>size</c>, <c>shared_cpu_list</c>) from
    /// <paramref name="directory"/>; null when it is missing or lacks an L1 data or an L2 entry.
    /// </summary>
    public static CpuCaches? FromSysfs(string directory)
    {
        int? l1 = null, l2 = null, l2SharedBy = null;
        try
        {
            if (!Directory.Exists(directory)) return null;
            foreach (var index in Directory.EnumerateDirectories(directory, "index*"))
            {
                var level = Read(index, "level");
                var type = Read(index, "type");
                var size = Read(index, "size") is { } text ? ParseSize(text) : null;
                if (size is not > 0) continue;
                if (level == "1" && type is "Data" or "Unified") l1 ??= size;
                else if (level == "2" && type is "Data" or "Unified")
                {
                    l2 ??= size;
                    l2SharedBy ??= Read(index, "shared_cpu_list") is { } list ? CountCpus(list) : 1;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return l1 is { } l1Bytes && l2 is { } l2Bytes ? new CpuCaches(l1Bytes, l2Bytes, Math.Max(1, l2SharedBy ?? 1), "sysfs") : null;
    }

    /// <summary>
    /// The deterministic cache parameters of CPUID (leaf 4 on Intel, 0x8000001D on AMD, same layout): per cache its
    /// type, level, ways × partitions × line size × sets, and how many logical CPUs may share it (an upper bound); on
    /// AMD without them, <see cref="FromAmdCacheLeaves"/>. Null off x86 or when the leaves are missing.
    /// </summary>
    public static CpuCaches? FromCpuId()
    {
        if (!X86Base.IsSupported) return null;
        var (maxLeaf, vendorB, vendorC, vendorD) = X86Base.CpuId(0, 0);
        var vendor = string.Concat(new[] { vendorB, vendorD, vendorC }.Select(r => string.Concat(BitConverter.GetBytes(r).Select(b => (char)b))));
        var amd = vendor is "AuthenticAMD" or "HygonGenuine";
        var maxExtendedLeaf = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        return FromCacheParameterLeaves(amd, amd ? maxExtendedLeaf >= 0x8000001D : maxLeaf >= 4)
            ?? (amd && maxExtendedLeaf >= 0x80000006
                ? FromAmdCacheLeaves((uint)X86Base.CpuId(unchecked((int)0x80000005), 0).Ecx, (uint)X86Base.CpuId(unchecked((int)0x80000006), 0).Ecx)
                : null);
    }

    /// <summary>
    /// AMD's older cache leaves, which hypervisors pass through where they hide 0x8000001D (as on the development VM:
    /// no sysfs cache entries and an empty 0x8000001D, so its 48 KiB / 1 MiB read as the fallback): 0x80000005 ECX[31:24] is the L1d in KiB, 0x80000006 ECX[31:16] the L2 in KiB, private to a core on
    /// every AMD design. Null when either reads zero.
    /// </summary>
    public static CpuCaches? FromAmdCacheLeaves(uint l1Leaf, uint l2Leaf)
    {
        var l1 = (int)(l1Leaf >> 24) * 1024;
        var l2 = (int)(l2Leaf >> 16) * 1024;
        return l1 > 0 && l2 > 0 ? new CpuCaches(l1, l2, 1, "cpuid") : null;
    }

    private static CpuCaches? FromCacheParameterLeaves(bool amd, bool present)
    {
        if (!present) return null;
        var leaf = amd ? unchecked((int)0x8000001D) : 4;
        int? l1 = null, l2 = null, l2SharedBy = null;
        for (var index = 0; index < 16; index++)
        {
            var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, index);
            var type = eax & 31; // 1 data, 2 instruction, 3 unified, 0 no more caches
            if (type == 0) break;
            var level = eax >> 5 & 7;
            var size = (long)((ebx >> 22 & 0x3FF) + 1) * ((ebx >> 12 & 0x3FF) + 1) * ((ebx & 0xFFF) + 1) * ((uint)ecx + 1L);
            if (type == 2 || size > int.MaxValue) continue;
            if (level == 1) l1 ??= (int)size;
            else if (level == 2)
            {
                l2 ??= (int)size;
                l2SharedBy ??= (eax >> 14 & 0xFFF) + 1;
            }
        }
        return l1 is { } l1Bytes && l2 is { } l2Bytes ? new CpuCaches(l1Bytes, l2Bytes, l2SharedBy ?? 1, "cpuid") : null;
    }

    /// <summary>
    /// Forced sizes: "L1d/L2" or "L1d/L2/CPUs sharing the L2", each as <see cref="ParseSize"/> reads it, such as
    /// "32K/512K" or "48K/2M/2"; null when absent or malformed.
    /// </summary>
    public static CpuCaches? FromSetting(string? text)
    {
        var parts = text?.Split('/', StringSplitOptions.TrimEntries);
        if (parts is not { Length: 2 or 3 }) return null;
        var sharedBy = 1;
        if (parts.Length == 3 && (!int.TryParse(parts[2], out sharedBy) || sharedBy < 1)) return null;
        return ParseSize(parts[0]) is { } l1 && ParseSize(parts[1]) is { } l2 ? new CpuCaches(l1, l2, sharedBy, "setting") : null;
    }

    /// <summary>"48K", "1024K", "32M" or plain bytes.</summary>
    public static int? ParseSize(string text)
    {
        text = text.Trim();
        var scale = text.EndsWith('K') ? 1024L : text.EndsWith('M') ? 1024L * 1024 : text.EndsWith('G') ? 1024L * 1024 * 1024 : 1;
        var digits = scale == 1 ? text : text[..^1];
        return long.TryParse(digits, out var value) && value > 0 && value * scale <= int.MaxValue ? (int)(value * scale) : null;
    }

    /// <summary>The number of CPUs in a list such as "0", "0-1", "0,16" or "0-3,8-11".</summary>
    public static int? CountCpus(string list)
    {
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], out var first) || !int.TryParse(bounds[^1], out var last) || last < first) return null;
            count += last - first + 1;
        }
        return count > 0 ? count : null;
    }

    private static string? Read(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
