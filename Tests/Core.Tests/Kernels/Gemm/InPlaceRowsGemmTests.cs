using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class InPlaceRowsGemmTests
{
    [TestMethod]
    public void PackedWeightsTimesRowsReadInPlaceMatchReference()
    {
        int seed = 0;
        foreach (var kernel in Enum.GetValues<GemmKernel>().Where(GemmTests.IsSupported))
        foreach (var (m, k, columns) in new[] { (1, 1, 1), (9, 300, 40), (130, 513, 70), (130, 513, 20), (20, 7, 5), (64, 64, 96) })
        foreach (bool transposedA in new[] { false, true })
        foreach (bool parallel in new[] { false, true })
        foreach (bool scaled in new[] { false, true })
        {
            // B is a row-major [k, ld] matrix with ld > columns, C a [m, columns] window of rows ldc apart.
            int ld = columns + 3, ldc = columns + 2, nr = Gemm.TileSize(kernel).Nr;
            var check = new KernelCheck($"InPlaceRowsGemm {kernel}",
                $"m={m} k={k} columns={columns} transposedA={transposedA} parallel={parallel} scaled={scaled}", seed += 5);
            var (a, b, c) = (check.Random("a", m * k), check.Random("b", k * ld + nr), check.Random("c", m, ldc));
            int aRow = transposedA ? 1 : k, aCol = transposedA ? m : 1;
            int[] offsets = Enumerable.Range(0, k).Select(p => p * ld).ToArray();
            // Row i of A times scale[i] as it is packed (a batch norm folded into the weights): the reference scales A first.
            float[] scale = scaled ? TestData.Floats(seed + 1, m) : [];
            double[] aScaled = a.D.Select((v, at) => scaled ? v * scale[transposedA ? at % m : at / k] : v).ToArray();
            check.FastMatchesReference(
                () =>
                {
                    fixed (float* pa = a.F.Span, pb = b.F.Span, pc = c.F.Span)
                    fixed (int* po = offsets)
                    fixed (float* ps = scale)
                    {
                        using var packed = InPlaceRowsGemm.PackGroups(kernel, 1, m, k, pa, aRow, aCol, 0, scaled ? ps : null);
                        InPlaceRowsGemm.Multiply(kernel, m, k, packed.Pointer, pb, po, pc, ldc, columns, parallel);
                    }
                },
                () => GemmReference.Multiply<double>(m, columns, k, aScaled, aRow, aCol, b.D, ld, 1, c.D, ldc, accumulate: false),
                (c, 1e-4));
        }
    }
}
