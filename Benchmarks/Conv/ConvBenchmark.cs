using MLNet.Cnn.Benchmarks.Onnx;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Benchmarks.Conv;

/// <summary>
/// <c>conv</c>: for each shape, checks our Conv2d forward against ONNX Runtime once, then times
/// forward (ours and ORT) and forward + backward (ours; counted as 3× the forward FLOPs).
/// </summary>
internal static class ConvBenchmark
{
    private const double Tolerance = 1e-3;

    public static void Run(BenchmarkOptions options)
    {
        var results = new Results("shape", "pass", "ours_gflops", "peer_gflops", "ratio");
        var shapes = ConvShapes.All.Where(s => options.Selects(s.Name)).ToArray();
        if (shapes.Length == 0) throw new ArgumentException($"no conv shape matches '{options.Filter}'");

        Console.WriteLine("peer: ONNX Runtime, one-node Conv model, IntraOpNumThreads = " +
            $"{options.Threads}, sequential, all graph optimizations; input/output pre-bound with IOBinding");
        Console.WriteLine();
        foreach (var shape in shapes)
        {
            Console.WriteLine(shape);
            Measure(shape, options, results);
        }

        Console.WriteLine();
        results.Print();
        // Only a run over every shape replaces the committed evidence; a filtered run gets its own file.
        string file = options.Filter is null ? "conv.csv" : $"conv.{Sanitize(options.Filter)}.csv";
        Console.WriteLine($"\nwritten {results.WriteCsv(file)}");
    }

    private static void Measure(ConvShape shape, BenchmarkOptions options, Results results)
    {
        var g = shape.Geometry;
        var random = new Random(42);
        // Weights scaled by 1/√fan-in keep outputs O(1), so the relative check below is meaningful.
        var input = RandomTensor(random, g.InputShape, 1f);
        var weight = RandomTensor(random, g.WeightShape, 1f / MathF.Sqrt(g.PatchSize));
        var bias = RandomTensor(random, g.BiasShape, 0.1f);
        var output = new Tensor(g.OutputShape);
        var peerOutput = new Tensor(g.OutputShape);
        var gradOutput = RandomTensor(random, g.OutputShape, 1f);
        var gradInput = new Tensor(g.InputShape);
        var gradWeight = new Tensor(g.WeightShape);
        var gradBias = new Tensor(g.BiasShape);

        using var peer = new OrtBoundSession(ConvModel(g, weight, bias), input, peerOutput, options.Threads);
        Conv2d.Forward(g, input, weight, bias, output);
        peer.Run();
        CheckAgainstPeer(shape.Name, output, peerOutput);

        double flops = g.ForwardFlops;
        var (ours, theirs) = Timing.MedianSecondsInterleaved(() => Conv2d.Forward(g, input, weight, bias, output), peer.Run,
            options.Calls);
        double oursBackward = Timing.MedianSeconds(() =>
        {
            Conv2d.Forward(g, input, weight, bias, output);
            Conv2d.BackwardData(g, gradOutput, weight, gradInput);
            Conv2d.BackwardWeights(g, input, gradOutput, gradWeight, gradBias);
        }, options.Calls);

        double oursGflops = Timing.GigaflopsPerSecond(flops, ours), peerGflops = Timing.GigaflopsPerSecond(flops, theirs);
        results.Add(shape.Name, "forward", Results.Number(oursGflops), Results.Number(peerGflops),
            Results.Number(oursGflops / peerGflops, 3));
        results.Add(shape.Name, "forward_backward", Results.Number(Timing.GigaflopsPerSecond(3 * flops, oursBackward)), "", "");
        Console.WriteLine($"  forward: ours {ours * 1e3:F2} ms, ORT {theirs * 1e3:F2} ms; forward+backward: ours {oursBackward * 1e3:F2} ms");
    }

    /// <summary>The peer's model: the same convolution (same weights and bias) as a one-layer network exported by <see cref="OnnxExporter"/> (one Conv node).</summary>
    private static byte[] ConvModel(Conv2dGeometry g, Tensor weight, Tensor bias)
    {
        var conv = new Conv2dLayer("conv", g.InChannels, g.OutChannels, g.KernelHeight, g.KernelWidth, g.StrideH, g.StrideW,
            ConvPadding.Explicit(g.Padding), g.DilationH, g.Groups);
        weight.Span.CopyTo(conv.Weight.Value.Span);
        bias.Span.CopyTo(conv.Bias!.Value.Span);
        return OnnxExporter.ToBytes(new CnnModel(conv, new TensorShape(g.InChannels, g.InHeight, g.InWidth), []));
    }

    /// <summary>Throws when any element differs from ORT's by more than 1e-3 relative to max(1, |ORT's|).</summary>
    private static void CheckAgainstPeer(string name, Tensor ours, Tensor peer)
    {
        ReadOnlySpan<float> a = ours.Span, b = peer.Span;
        double maxAbs = 0, maxRelative = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - b[i]);
            maxAbs = Math.Max(maxAbs, diff);
            maxRelative = Math.Max(maxRelative, double.IsNaN(diff) ? double.PositiveInfinity : diff / Math.Max(1.0, Math.Abs(b[i])));
        }
        Console.WriteLine($"  check vs ORT: max |ours − ORT| = {maxAbs:0.00e0} (relative {maxRelative:0.00e0})");
        if (!(maxRelative <= Tolerance))
            throw new InvalidOperationException(
                $"{name}: our forward differs from ONNX Runtime's by {maxRelative:E2} relative (max abs {maxAbs:E2}); tolerance {Tolerance:E0}.");
    }

    private static Tensor RandomTensor(Random random, TensorShape shape, float scale)
    {
        var tensor = new Tensor(shape);
        foreach (ref float v in tensor.Span) v = (float)(random.NextDouble() * 2 - 1) * scale;
        return tensor;
    }

    private static string Sanitize(string text) =>
        string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));
}
