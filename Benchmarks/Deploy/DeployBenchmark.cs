using MLNet.Cnn.Benchmarks.Onnx;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Deploy;

/// <summary>
/// <c>deploy</c>: inference of whole networks at batch 1 and 64 — the core's forward, ONNX Runtime on the exported float
/// model and on the int8 (QDQ) model — timed in alternating blocks in one process, with <c>--threads</c> threads on every side.
/// </summary>
internal static class DeployBenchmark
{
    private static readonly (string Name, Func<Layer> Build, int[] Image)[] Networks =
    [
        ("lenet5", () => LeNet5.Build(), [1, 28, 28]),
        ("small-vgg", () => SmallVgg.Build(seed: 1), [1, 28, 28]),
        ("resnet-small", () => ResNetSmall.Build(widths: [16, 32, 64], blocksPerStage: 1), [1, 28, 28]),
        ("mobilenet-v2-0.5", () => MobileNetV2.Build(3, 10, 0.5), [3, 64, 64]),
    ];

    public static void Run(BenchmarkOptions options)
    {
        var results = new Results("network", "batch", "core_ms", "ort_float_ms", "ort_int8_ms", "core_vs_ort_float", "int8_speedup");
        Console.WriteLine($"threads: {options.Threads} (core and ONNX Runtime); ONNX Runtime: all graph optimizations, input/output bound once");
        foreach (var (name, build, image) in Networks.Where(n => options.Selects(n.Name)))
            foreach (int batch in new[] { 1, 64 })
                Measure(name, build(), image, batch, options, results);
        Console.WriteLine();
        results.Print();
        string file = Results.CsvName("deploy", options.Filter, $"threads{options.Threads}");
        Console.WriteLine($"\nwritten {results.WriteCsv(file)}");
    }

    private static void Measure(string name, Layer network, int[] image, int batch, BenchmarkOptions options, Results results)
    {
        Initializer.Initialize(network, seed: 1, WeightInit.HeUniform);
        var model = new CnnModel(network, new TensorShape(image), Enumerable.Range(0, 10).Select(i => $"class{i}").ToArray());
        var random = new Random(3);
        var input = RandomTensors.Uniform(random, new TensorShape([batch, .. image]));
        var calibration = RandomTensors.Uniform(random, new TensorShape([64, .. image]));

        var output = network.Forward(input, training: false);
        var floatOutput = new Tensor(output.Shape);
        var int8Output = new Tensor(output.Shape);
        using var ortFloat = new OrtBoundSession(OnnxExporter.ToBytes(model), input, floatOutput, options.Threads);
        using var ortInt8 = new OrtBoundSession(Int8Quantizer.Quantize(model, calibration), input, int8Output, options.Threads);
        var seconds = Timing.MedianSecondsInterleaved(options.Calls, () => network.Forward(input, training: false), ortFloat.Run, ortInt8.Run);

        double core = seconds[0] * 1e3, ortF = seconds[1] * 1e3, ortQ = seconds[2] * 1e3;
        Console.WriteLine($"{name} batch {batch}: core {core:F3} ms, ORT float {ortF:F3} ms, ORT int8 {ortQ:F3} ms");
        results.Add(name, batch.ToString(), Results.Number(core, 3), Results.Number(ortF, 3), Results.Number(ortQ, 3),
            Results.Number(ortF / core, 3), Results.Number(ortF / ortQ, 3));
    }
}
