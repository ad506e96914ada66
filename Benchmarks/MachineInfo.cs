using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks;

internal static partial class MachineInfo
{
    /// <summary>Sets the thread budget of our kernels and prints what the numbers were measured on.</summary>
    public static void Print(BenchmarkOptions options)
    {
        CnnParallel.MaxDegreeOfParallelism = options.Threads;
        Console.WriteLine($"CPU:                       {CpuModel()}");
        Console.WriteLine($"logical cores:             {Environment.ProcessorCount}");
        Console.WriteLine($"caches:                    {Caches()}");
        Console.WriteLine($"vector width:              {VectorWidth()}");
        Console.WriteLine($"Vector512 accelerated:     {Vector512.IsHardwareAccelerated}");
        Console.WriteLine($"Vector256 accelerated:     {Vector256.IsHardwareAccelerated}");
        Console.WriteLine($"GEMM micro-kernel:         {Gemm.DefaultKernel}");
        Console.WriteLine($"CnnParallel.MaxDegree:     {CnnParallel.MaxDegreeOfParallelism}");
        Console.WriteLine($".NET:                      {Environment.Version}");
        Console.WriteLine($"timed calls (median of):   {options.Calls}, after a warm-up of at least {BenchmarkOptions.WarmupCalls} calls and {Timing.WarmupSeconds} s");
        Console.WriteLine();
    }

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return "unknown (no /proc/cpuinfo)";
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    /// <summary>The widest vector the JIT accelerates (what our kernels use).</summary>
    private static string VectorWidth() =>
        Vector512.IsHardwareAccelerated ? "512 bits" :
        Vector256.IsHardwareAccelerated ? "256 bits" :
        Vector128.IsHardwareAccelerated ? "128 bits" : "none (scalar)";

    /// <summary>
    /// The caches of CPU 0 as the kernel lists them (/sys/devices/system/cpu/cpu0/cache/index*/level, type, size),
    /// or, where that folder is absent (some virtual machines), as glibc's sysconf reads them from CPUID.
    /// </summary>
    private static string Caches()
    {
        const string folder = "/sys/devices/system/cpu/cpu0/cache";
        if (Directory.Exists(folder))
        {
            var caches = Directory.GetDirectories(folder, "index*").Order()
                .Select(d => (Level: Read(d, "level"), Type: Read(d, "type"), Size: Read(d, "size")))
                .Select(c => $"L{c.Level}{c.Type switch { "Data" => "d", "Instruction" => "i", _ => "" }} {c.Size}")
                .ToArray();
            if (caches.Length > 0) return string.Join(", ", caches) + " (sysfs)";
        }
        return SysconfCaches();

        static string Read(string directory, string file) =>
            File.Exists(Path.Combine(directory, file)) ? File.ReadAllText(Path.Combine(directory, file)).Trim() : "?";
    }

    // glibc's <bits/confname.h>: _SC_LEVEL1_ICACHE_SIZE = 185, _SC_LEVEL1_DCACHE_SIZE = 188, _SC_LEVEL2_CACHE_SIZE = 191,
    // _SC_LEVEL3_CACHE_SIZE = 194.
    private static string SysconfCaches()
    {
        (string Name, int Code)[] levels = [("L1d", 188), ("L1i", 185), ("L2", 191), ("L3", 194)];
        try
        {
            var caches = levels.Select(l => (l.Name, Bytes: Sysconf(l.Code))).Where(c => c.Bytes > 0)
                .Select(c => $"{c.Name} {c.Bytes / 1024}K").ToArray();
            return caches.Length > 0 ? string.Join(", ", caches) + " (sysconf)" : "unknown";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "unknown (no sysfs cache folder, no glibc sysconf)";
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
