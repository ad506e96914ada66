using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class GemmTests
{
    private static IEnumerable<GemmKernel> SupportedKernels() => Enum.GetValues<GemmKernel>().Where(IsSupported);

    internal static bool IsSupported(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
        GemmKernel.Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported,
        _ => true,
    };

    [TestMethod]
    public void EveryMicroKernelMatchesReferenceOnOddShapesAndAllTransposes()
    {
        int seed = 0;
        foreach (var kernel in SupportedKernels())
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 5), (8, 32, 256), (17, 65, 300), (130, 70, 513), (3, 200, 40) })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                    foreach (bool parallel in new[] { false, true })
                    {
                        var check = new KernelCheck($"Gemm {kernel}",
                            $"m={m} n={n} k={k} transA={transA} transB={transB} accumulate={accumulate} parallel={parallel}", seed += 3);
                        var (a, b, c) = (check.Random("a", m * k), check.Random("b", k * n), check.Random("c", m, n)); // c: read when accumulating
                        int aRow = transA ? 1 : k, aCol = transA ? m : 1, bRow = transB ? 1 : n, bCol = transB ? k : 1;
                        check.FastMatchesReference(
                            () =>
                            {
                                fixed (float* pa = a.F.Span, pb = b.F.Span, pc = c.F.Span)
                                    Gemm.Multiply(kernel, m, n, k, pa, aRow, aCol, pb, bRow, bCol, pc, n, accumulate, parallel);
                            },
                            () => GemmReference.Multiply<double>(m, n, k, a.D, aRow, aCol, b.D, bRow, bCol, c.D, n, accumulate),
                            (c, 1e-4));
                    }
    }

    [TestMethod]
    public void WritesOnlyInsideTheOutputWindowOfALargerMatrix()
    {
        // C is a 5×7 window of a 9×11 buffer (ldc = 11): the surrounding cells must stay untouched.
        const int m = 5, n = 7, k = 3, ldc = 11;
        float[] a = TestData.Floats(1, m * k), b = TestData.Floats(2, k * n), c = new float[9 * ldc];
        Array.Fill(c, 42f);
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.Multiply(m, n, k, pa, k, 1, pb, n, 1, pc, ldc, accumulate: false);
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < ldc; j++)
                if (i >= m || j >= n)
                    Assert.AreEqual(42f, c[i * ldc + j], $"cell ({i}, {j}) outside the window was written");
    }
}
