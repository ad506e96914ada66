using System.Runtime.Intrinsics;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks;

internal static class MachineInfo
{
    /// <summary>Sets the thread budget of our kernels and prints what the numbers were measured on (the core's <see cref="CpuFacts"/>).</summary>
    public static void Print(BenchmarkOptions options)
    {
        CnnParallel.MaxDegreeOfParallelism = options.Threads;
        var cpu = CpuFacts.Current;
        Console.WriteLine($"CPU:                       {cpu.Model}");
        Console.WriteLine($"logical cores:             {cpu.LogicalCores}");
        Console.WriteLine($"data caches:               L1d {cpu.L1DataKiB} KiB, L2 {cpu.L2KiB} KiB, L3 {cpu.L3KiB} KiB (from {cpu.CacheSource})");
        Console.WriteLine($"vector width:              {cpu.VectorBits} bits");
        Console.WriteLine($"Vector512 accelerated:     {Vector512.IsHardwareAccelerated}");
        Console.WriteLine($"GEMM micro-kernel:         {Gemm.DefaultKernel}");
        Console.WriteLine($"CnnParallel.MaxDegree:     {CnnParallel.MaxDegreeOfParallelism}");
        Console.WriteLine($".NET:                      {Environment.Version}");
        Console.WriteLine($"timed calls (median of):   {options.Calls}, after a warm-up of at least {BenchmarkOptions.WarmupCalls} calls and {Timing.WarmupSeconds} s");
        Console.WriteLine();
    }
}
