using System.Runtime.Intrinsics;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks;

internal static class MachineInfo
{
    /// <summary>Sets the thread budget of our kernels and prints what the numbers were measured on.</summary>
    public static void Print(BenchmarkOptions options)
    {
        CnnParallel.MaxDegreeOfParallelism = options.Threads;
        Console.WriteLine($"CPU:                       {CpuModel()}");
        Console.WriteLine($"logical cores:             {Environment.ProcessorCount}");
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
}
