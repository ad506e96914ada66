using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Conv;

/// <summary>
/// <c>convpaths</c>: each pass of <see cref="Conv2d"/> (forward with bias, input gradient, weight gradient) on the
/// small-map shapes of <see cref="ConvShapes.SmallMaps"/>, once with the batch folded into the GEMM and once per
/// image (implicit GEMM; for the input gradient the turned kernel, or col2im where that is the only path), the two
/// timed in alternating blocks. Shows which path <see cref="Conv2d.FoldsBatch"/> picks: the evidence behind
/// <see cref="Conv2d.FoldBelowTilesPerImage"/>. MLNET_CNN_GEMM_KERNEL=Avx2 or Portable runs a narrower
/// micro-kernel family (and its tile width in the rule).
/// </summary>
internal static class ConvPathBenchmark
{
    public static void Run(BenchmarkOptions options)
    {
        if (Environment.GetEnvironmentVariable("MLNET_CNN_GEMM_KERNEL") is { Length: > 0 } family)
        {
            Gemm.DefaultKernel = Enum.Parse<GemmKernel>(family, ignoreCase: true);
            Console.WriteLine($"GEMM micro-kernel (MLNET_CNN_GEMM_KERNEL): {Gemm.DefaultKernel}\n");
        }
        var results = new Results("shape", "pass", "rule", "folded_ms", "per_image_ms", "per_image/folded");
        var shapes = ConvShapes.SmallMaps.Where(s => options.Selects(s.Name)).ToArray();
        if (shapes.Length == 0) throw new ArgumentException($"no small-map shape matches '{options.Filter}'");
        foreach (var shape in shapes)
        {
            Console.WriteLine(shape);
            var g = shape.Geometry;
            var random = new Random(42);
            var (x, w, b, dy) = (Random(random, g.InputShape), Random(random, g.WeightShape), Random(random, g.BiasShape),
                Random(random, g.OutputShape));
            var (y, dx, dw) = (new Tensor(g.OutputShape), new Tensor(g.InputShape), new Tensor(g.WeightShape));
            string rule = Conv2d.FoldsBatch(g) ? "folded" : "per image";
            foreach (var (pass, call) in new (string, Action)[]
            {
                ("forward", () => Conv2d.Forward(g, x, w, b, y)),
                ("backward_data", () => Conv2d.BackwardData(g, dy, w, dx)),
                ("backward_weights", () => Conv2d.BackwardWeights(g, x, dy, dw, null)),
            })
            {
                var seconds = Timing.MedianSecondsInterleaved(options.Calls, Pinned(true, call), Pinned(false, call));
                results.Add(shape.Name, pass, rule, Results.Number(seconds[0] * 1e3, 3), Results.Number(seconds[1] * 1e3, 3),
                    Results.Number(seconds[1] / seconds[0], 2));
                Console.WriteLine($"  {pass}: folded {seconds[0] * 1e3:F3} ms, per image {seconds[1] * 1e3:F3} ms");
            }
        }
        Console.WriteLine();
        results.Print();
        Console.WriteLine($"\nwritten {results.WriteCsv("convpaths.csv")}");
    }

    private static Action Pinned(bool fold, Action call) => () =>
    {
        Conv2d.FoldBatchOverride = fold;
        try { call(); }
        finally { Conv2d.FoldBatchOverride = null; }
    };

    private static Tensor Random(Random random, TensorShape shape)
    {
        var tensor = new Tensor(shape);
        foreach (ref float v in tensor.Span) v = (float)(random.NextDouble() * 2 - 1);
        return tensor;
    }
}
