using Functions.Compute.Primes;

namespace Functions.Tests.Compute.Primes;

public sealed class CpuCachesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cpu-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FromSysfs_TypicalServerCore_ReadsL1DataAndL2WithItsSharing()
    {
        Cache(0, level: 1, "Data", "48K", "0,64");
        Cache(1, level: 1, "Instruction", "32K", "0,64");
        Cache(2, level: 2, "Unified", "2048K", "0,64");
        Cache(3, level: 3, "Unified", "105M", "0-31,64-95");

        var caches = CpuCaches.FromSysfs(_directory);

        Assert.Equal(new CpuCaches(48 * 1024, 2 * 1024 * 1024, 2, "sysfs"), caches);
        Assert.Equal(1024 * 1024, caches!.L2BytesPerCpu);
    }

    [Fact]
    public void FromSysfs_NoL2_IsNull()
    {
        Cache(0, level: 1, "Data", "32K", "0");

        Assert.Null(CpuCaches.FromSysfs(_directory));
    }

    [Fact]
    public void FromSysfs_MissingDirectory_IsNull()
    {
        Assert.Null(CpuCaches.FromSysfs(Path.Combine(_directory, "absent")));
    }

    [Fact]
    public void FromSysfs_NoSharingList_CountsOneCpu()
    {
        Cache(0, level: 1, "Data", "32K", null);
        Cache(2, level: 2, "Unified", "1024K", null);

        Assert.Equal(1, CpuCaches.FromSysfs(_directory)!.L2SharedBy);
    }

    [Theory]
    [InlineData("48K", 49_152)]
    [InlineData("1024K\n", 1_048_576)]
    [InlineData("32M", 33_554_432)]
    [InlineData("65536", 65_536)]
    [InlineData("", null)]
    [InlineData("K", null)]
    [InlineData("-4K", null)]
    [InlineData("4G", null)]
    public void ParseSize_SysfsSizes(string text, int? expected)
    {
        Assert.Equal(expected, CpuCaches.ParseSize(text));
    }

    [Theory]
    // AMD EPYC Zen 5 under a hypervisor that hides leaf 0x8000001D (the development VM).
    [InlineData(0x300c0140u, 0x04006140u, 48 * 1024, 1024 * 1024)]
    // Zen 3: 32 KiB L1d, 512 KiB L2.
    [InlineData(0x20080140u, 0x02006140u, 32 * 1024, 512 * 1024)]
    public void FromAmdCacheLeaves_LegacyLeaves_ReadL1DataAndPrivateL2(uint l1Leaf, uint l2Leaf, int l1, int l2)
    {
        Assert.Equal(new CpuCaches(l1, l2, 1, "cpuid"), CpuCaches.FromAmdCacheLeaves(l1Leaf, l2Leaf));
    }

    [Fact]
    public void FromAmdCacheLeaves_Zero_IsNull()
    {
        Assert.Null(CpuCaches.FromAmdCacheLeaves(0, 0x04006140u));
        Assert.Null(CpuCaches.FromAmdCacheLeaves(0x300c0140u, 0));
    }

    [Theory]
    [InlineData("32K/512K", 32 * 1024, 512 * 1024, 1)]
    [InlineData(" 48K / 2M / 2 ", 48 * 1024, 2 * 1024 * 1024, 2)]
    [InlineData("65536/1048576", 64 * 1024, 1024 * 1024, 1)]
    public void FromSetting_SizesWithOptionalSharing_ForcesThem(string text, int l1, int l2, int sharedBy)
    {
        Assert.Equal(new CpuCaches(l1, l2, sharedBy, "setting"), CpuCaches.FromSetting(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("32K")]
    [InlineData("32K/512X")]
    [InlineData("32K/512K/0")]
    [InlineData("32K/512K/2/1")]
    public void FromSetting_AbsentOrMalformed_IsNull(string? text)
    {
        Assert.Null(CpuCaches.FromSetting(text));
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1", 2)]
    [InlineData("0,64", 2)]
    [InlineData("0-3,8-11\n", 8)]
    [InlineData("3-1", null)]
    [InlineData("x", null)]
    public void CountCpus_SysfsCpuLists(string list, int? expected)
    {
        Assert.Equal(expected, CpuCaches.CountCpus(list));
    }

    [Fact]
    public void Detect_ThisMachine_GivesUsableSizesAndAgreesWithCpuIdWhereBothRead()
    {
        var caches = CpuCaches.Detect();

        Assert.InRange(caches.L1DataBytes, 4 * 1024, 16 * 1024 * 1024);
        Assert.InRange(caches.L2Bytes, 64 * 1024, 1024 * 1024 * 1024);
        Assert.True(caches.L2SharedBy >= 1);
        // Linux derives sysfs from the same CPUID leaves on x86, so where both read they must agree.
        if (CpuCaches.FromSysfs("/sys/devices/system/cpu/cpu0/cache") is { } sysfs && CpuCaches.FromCpuId() is { } cpuid)
            Assert.Equal((sysfs.L1DataBytes, sysfs.L2Bytes), (cpuid.L1DataBytes, cpuid.L2Bytes));
    }

    private void Cache(int index, int level, string type, string size, string? sharedCpus)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, $"index{index}")).FullName;
        File.WriteAllText(Path.Combine(directory, "level"), $"{level}\n");
        File.WriteAllText(Path.Combine(directory, "type"), $"{type}\n");
        File.WriteAllText(Path.Combine(directory, "size"), $"{size}\n");
        if (sharedCpus is not null) File.WriteAllText(Path.Combine(directory, "shared_cpu_list"), $"{sharedCpus}\n");
    }
}
