using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks;

/// <summary>
/// <c>gemm</c>: our <see cref="Gemm"/> alone, C = A·B with row-major operands, on square sizes and the
/// products a 3×3 convolution lowers to, both with the configured threads and on one thread.
/// </summary>
internal static unsafe class GemmBenchmark
{
    private static readonly (string Name, int M, int N, int K)[] Sizes =
    [
        ("square_256", 256, 256, 256),
        ("square_512", 512, 512, 512),
        ("square_1024", 1024, 1024, 1024),
        // resnet_s1_3x3, one image: Cout × Hout·Wout × Cin·9 (forward), its transposes for the backward passes.
        ("conv_fwd_64x3136x576", 64, 3136, 576),
        ("conv_bwd_data_576x3136x64", 576, 3136, 64),
        ("conv_bwd_weights_64x576x3136", 64, 576, 3136),
        ("conv_256x3136x576", 256, 3136, 576),
    ];

    public static void Run(BenchmarkOptions options)
    {
        var results = new Results("size", "m", "n", "k", "gflops_threads", "gflops_1_thread");
        foreach (var (name, m, n, k) in Sizes.Where(s => options.Selects(s.Name)))
        {
            var a = Filled(m * k, 1);
            var b = Filled(k * n, 2);
            var c = new Tensor(m, n);
            double flops = 2.0 * m * n * k;
            double parallel = Timing.MedianSeconds(() => Multiply(m, n, k, a, b, c, parallel: true), options.Calls);
            double serial = Timing.MedianSeconds(() => Multiply(m, n, k, a, b, c, parallel: false), options.Calls);
            results.Add(name, m.ToString(), n.ToString(), k.ToString(),
                Results.Number(Timing.GigaflopsPerSecond(flops, parallel)), Results.Number(Timing.GigaflopsPerSecond(flops, serial)));
        }
        results.Print();
        Console.WriteLine($"\nwritten {results.WriteCsv("gemm.csv")}");
    }

    private static void Multiply(int m, int n, int k, Tensor a, Tensor b, Tensor c, bool parallel) =>
        Gemm.Multiply(m, n, k, a.Pointer, k, 1, b.Pointer, n, 1, c.Pointer, n, accumulate: false, parallel);

    private static Tensor Filled(int length, int seed)
    {
        var random = new Random(seed);
        var tensor = new Tensor(length);
        foreach (ref float v in tensor.Span) v = (float)(random.NextDouble() * 2 - 1);
        return tensor;
    }
}
