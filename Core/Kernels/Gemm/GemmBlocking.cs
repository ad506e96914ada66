using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Cache blocking of <see cref="Gemm"/>, chosen from the CPU's data caches (<see cref="CpuFacts"/>, which environment
/// variables can override): KC, the depth of one rank-KC update, is the largest power of two whose KC×NR panel of B
/// takes at most two thirds of L1d (the micro-kernel's A panel and C tile need the rest); MC, the rows of A packed at
/// a time, fills at most a quarter of L2 with its MC×KC block (packed B and the C rows share the rest).
/// On a 48 KiB L1d / 1 MiB L2 core with NR = 32 that is KC = 256, MC = 256; on 32 KiB / 2 MiB, KC = 128, MC = 1024 → 512.
/// </summary>
internal readonly record struct GemmBlocking(int Kc, int Mc)
{
    public static GemmBlocking For(CpuFacts cpu, int nr)
    {
        long l1Floats = cpu.L1DataKiB * 1024L / sizeof(float), l2Floats = cpu.L2KiB * 1024L / sizeof(float);
        int kc = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, l1Floats * 2 / 3 / nr + 1)) / 2, 64, 512);
        int mc = (int)Math.Clamp(l2Floats / 4 / kc / 8 * 8, 64, 512);
        return new GemmBlocking(kc, mc);
    }
}
