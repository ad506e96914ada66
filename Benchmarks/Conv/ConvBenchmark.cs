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
        string file = Results.CsvName("conv", options.Filter);
        Console.WriteLine($"\nwritten {results.WriteCsv(file)}");
    }

    private static void Measure(ConvShape shape, BenchmarkOptions options, Results results)
    {
        var g = shape.Geometry;
        var random = new Random(42);
        // Weights scaled by 1/√fan-in keep outputs O(1), so the relative check below is meaningful.
        var input = RandomTensors.Uniform(random, g.InputShape, -1f, 1f);
        var weight = RandomTensors.Uniform(random, g.WeightShape, -1f / MathF.Sqrt(g.PatchSize), 1f / MathF.Sqrt(g.PatchSize));
        var bias = RandomTensors.Uniform(random, g.BiasShape, -0.1f, 0.1f);
        var output = new Tensor(g.OutputShape);
        var peerOutput = new Tensor(g.OutputShape);
        var gradOutput = RandomTensors.Uniform(random, g.OutputShape, -1f, 1f);
        var gradInput = new Tensor(g.InputShape);
        var gradWeight = new Tensor(g.WeightShape);
        var gradBias = new Tensor(g.BiasShape);

        using var peer = new OrtBoundSession(ConvModel(g, weight, bias), input, peerOutput, options.Threads);
        Conv2d.Forward(g, input, weight, bias, output);
        peer.Run();
        PeerCheck.Outputs(shape.Name, output, peerOutput, Tolerance);

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
}
