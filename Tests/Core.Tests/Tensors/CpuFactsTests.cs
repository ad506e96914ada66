using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Tensors;

[TestClass]
public sealed class CpuFactsTests
{
    /// <summary>An Intel leaf 4 list: L1d 48 KiB (12 ways, 64 B lines, 64 sets), L1i, L2 2 MiB (16 ways, 2048 sets), L3 105 MiB.</summary>
    [TestMethod]
    public void TheCacheLeafGivesEachLevelsDataCache()
    {
        (int, int, int)[] leaves =
        [
            (1 | 1 << 5, (11 << 22) | 63, 63),          // level 1 data
            (2 | 1 << 5, (7 << 22) | 63, 63),           // level 1 instruction: skipped
            (3 | 2 << 5, (15 << 22) | 63, 2047),        // level 2 unified
            (3 | 3 << 5, (14 << 22) | 63, 120 * 1024 - 1), // level 3 unified
            (0, 0, 0),
        ];
        var caches = CpuFacts.FromCacheLeaf(i => leaves[i]);
        Assert.AreEqual(new CpuFacts.Caches(48, 2048, 15 * 64 * 120 * 1024 / 1024), caches);
        Assert.IsNull(CpuFacts.FromCacheLeaf(_ => (0, 0, 0)), "no leaf data: no answer");
    }

    [TestMethod]
    public void TheLegacyAmdLeavesGiveKibAndHalfMibUnits()
    {
        // 0x80000005 ECX: 32 KiB L1d; 0x80000006 ECX: 1024 KiB L2; EDX: 64 × 512 KiB = 32 MiB L3.
        Assert.AreEqual(new CpuFacts.Caches(32, 1024, 32 * 1024), CpuFacts.FromLegacyAmdLeaves(32 << 24, 1024 << 16, 64 << 18));
    }

    [TestMethod]
    public void ThisMachineHasPlausibleFacts()
    {
        var cpu = CpuFacts.Current;
        Assert.IsTrue(cpu.L1DataKiB is >= 8 and <= 4096, cpu.ToString());
        Assert.IsTrue(cpu.L2KiB >= cpu.L1DataKiB, cpu.ToString());
        Assert.IsTrue(cpu.VectorBits is 32 or 128 or 256 or 512, cpu.ToString());
        Assert.AreEqual(Environment.ProcessorCount, cpu.LogicalCores);
        Console.WriteLine(cpu);
    }
}
