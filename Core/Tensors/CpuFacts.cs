using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Cnn.Tensors;

/// <summary>
/// What the kernels and the benchmarks know of the CPU, read once at start-up: the model name, the logical cores, the
/// widest accelerated vector, and the data cache sizes per core (L1d, L2) and shared (L3). Caches come from CPUID on x86
/// (leaf 4 on Intel, 0x8000001D or else the legacy leaves 0x80000005/6 on AMD), else from Linux's
/// <c>/sys/devices/system/cpu/cpu0/cache</c>, else from typical values (said so by <see cref="CacheSource"/>). The
/// environment variables <c>MLNET_CNN_L1D_KIB</c>, <c>MLNET_CNN_L2_KIB</c> and <c>MLNET_CNN_L3_KIB</c> override them.
/// </summary>
public sealed record CpuFacts(string Model, int LogicalCores, int VectorBits, int L1DataKiB, int L2KiB, int L3KiB, string CacheSource)
{
    /// <summary>The machine this process runs on.</summary>
    public static CpuFacts Current { get; } = Read();

    /// <summary>
    /// Whether this CPU's uint8 × int8 products add up in 32 bits (x64 with AVX-512 VNNI — CPUID leaf 7, ECX bit 11 — or
    /// AVX-VNNI; any CPU that is not x86, whose int8 kernels do not saturate). Without it, ONNX Runtime's x64 uint8 × int8
    /// kernel adds pairs of products in 16 bits with saturation, so int8 models need 7-bit weights there
    /// (<see cref="Onnx.Quantization.QuantizationOptions.ReduceRange"/>).
    /// </summary>
    public static bool HasInt8DotProduct { get; } =
        !X86Base.IsSupported || AvxVnni.IsSupported || (X86Base.CpuId(0, 0).Eax >= 7 && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Model}, {LogicalCores} logical cores, {VectorBits}-bit vectors, L1d {L1DataKiB} KiB, L2 {L2KiB} KiB, L3 {L3KiB} KiB ({CacheSource})";

    private static CpuFacts Read()
    {
        int vectorBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32;
        var (caches, source) = X86Caches() is { } x86 ? (x86, "CPUID") : LinuxCaches() is { } linux ? (linux, "/sys") : (new Caches(32, 512, 0), "typical values");
        caches = new Caches(Override("MLNET_CNN_L1D_KIB") ?? caches.L1d, Override("MLNET_CNN_L2_KIB") ?? caches.L2, Override("MLNET_CNN_L3_KIB") ?? caches.L3);
        return new CpuFacts(ModelName(), Environment.ProcessorCount, vectorBits, caches.L1d, caches.L2, caches.L3, source);
    }

    internal readonly record struct Caches(int L1d, int L2, int L3);

    private static int? Override(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int kib) && kib > 0 ? kib : null;

    /// <summary>
    /// The caches of the deterministic cache-parameter leaf (4 on Intel, 0x8000001D on AMD): subleaf after subleaf, each
    /// a cache of type EAX[4:0] (1 data, 3 unified; 0 ends the list) and level EAX[7:5], of
    /// ways·partitions·line size·sets bytes (EBX[31:22]+1, EBX[21:12]+1, EBX[11:0]+1, ECX+1).
    /// </summary>
    internal static Caches? FromCacheLeaf(Func<int, (int Eax, int Ebx, int Ecx)> subleaf)
    {
        int l1 = 0, l2 = 0, l3 = 0;
        for (int i = 0; i < 16; i++)
        {
            var (a, b, c) = subleaf(i);
            int type = a & 0x1f, level = (a >> 5) & 7;
            if (type == 0) break;
            if (type == 2) continue;   // instruction cache
            long bytes = (long)(((b >> 22) & 0x3ff) + 1) * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * ((long)(uint)c + 1);
            int kib = (int)Math.Min(bytes / 1024, int.MaxValue);
            if (level == 1) l1 = kib; else if (level == 2) l2 = kib; else if (level == 3) l3 = kib;
        }
        return l1 > 0 && l2 > 0 ? new Caches(l1, l2, l3) : null;
    }

    /// <summary>AMD's legacy leaves: L1d KiB in 0x80000005 ECX[31:24]; L2 KiB in 0x80000006 ECX[31:16], L3 in EDX[31:18] × 512 KiB.</summary>
    internal static Caches? FromLegacyAmdLeaves(int ecx5, int ecx6, int edx6)
    {
        int l1 = (int)((uint)ecx5 >> 24), l2 = (int)((uint)ecx6 >> 16), l3 = (int)((uint)edx6 >> 18) * 512;
        return l1 > 0 && l2 > 0 ? new Caches(l1, l2, l3) : null;
    }

    private static Caches? X86Caches()
    {
        if (!X86Base.IsSupported) return null;
        int maxLeaf = X86Base.CpuId(0, 0).Eax, maxExtended = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        (int, int, int) Leaf(int leaf, int sub)
        {
            var (a, b, c, _) = X86Base.CpuId(leaf, sub);
            return (a, b, c);
        }
        if (maxLeaf >= 4 && FromCacheLeaf(i => Leaf(4, i)) is { } intel) return intel;
        if ((uint)maxExtended >= 0x8000001D && FromCacheLeaf(i => Leaf(unchecked((int)0x8000001D), i)) is { } amd) return amd;
        if ((uint)maxExtended < 0x80000006) return null;
        var (_, _, ecx6, edx6) = X86Base.CpuId(unchecked((int)0x80000006), 0);
        return FromLegacyAmdLeaves(X86Base.CpuId(unchecked((int)0x80000005), 0).Ecx, ecx6, edx6);
    }

    private static Caches? LinuxCaches()
    {
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root)) return null;
        int l1 = 0, l2 = 0, l3 = 0;
        foreach (var index in Directory.EnumerateDirectories(root, "index*"))
        {
            string Read(string file) => File.Exists(Path.Combine(index, file)) ? File.ReadAllText(Path.Combine(index, file)).Trim() : "";
            if (Read("type") == "Instruction" || !int.TryParse(Read("level"), out int level)) continue;
            string size = Read("size");   // e.g. "48K", "2048K", "32M"
            if (size.Length < 2 || !int.TryParse(size[..^1], out int value)) continue;
            int kib = size[^1] switch { 'K' => value, 'M' => value * 1024, _ => 0 };
            if (level == 1) l1 = kib; else if (level == 2) l2 = kib; else if (level == 3) l3 = kib;
        }
        return l1 > 0 && l2 > 0 ? new Caches(l1, l2, l3) : null;
    }

    private static string ModelName()
    {
        const string path = "/proc/cpuinfo";
        string? line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
