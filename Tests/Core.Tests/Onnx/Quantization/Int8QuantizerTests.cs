using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Onnx.Quantization;

[TestClass]
public sealed class Int8QuantizerTests
{
    /// <summary>Conv-BN-ReLU, pooling, Conv-BN-ReLU6, a residual Add, global pooling and a dense head: every rule of the plan.</summary>
    private static CnnModel SmallModel()
    {
        var network = new Sequential("net",
            new Conv2dLayer("conv1", 1, 8, 3, stride: 1, padding: 1),
            new BatchNorm2dLayer("bn1", 8),
            new ActivationLayer("relu1", new ReLU()),
            new MaxPool2dLayer("pool", 2, 2),
            new Residual("block", new Sequential("body",
                new Conv2dLayer("conv2", 8, 8, 3, stride: 1, padding: 1),
                new BatchNorm2dLayer("bn2", 8),
                new ActivationLayer("relu6", new ReLU6()))),
            new GlobalAvgPoolLayer("gap"),
            new FlattenLayer("flat"),
            new DenseLayer("fc", 8, 4));
        TestNetworks.Randomize(network);
        return new CnnModel(network, new TensorShape(1, 12, 12), ["a", "b", "c", "d"]);
    }

    private static Tensor Images(int seed, int count)
    {
        var images = TestData.Tensor(seed, count, 1, 12, 12);
        foreach (ref float v in images.Span) v = (v + 1) / 2; // pixels in [0, 1)
        return images;
    }

    [TestMethod]
    public void TheQuantizedModelRunsInOnnxRuntimeCloseToTheFloatModel()
    {
        var model = SmallModel();
        var quantized = Int8Quantizer.Quantize(model, Images(1, 96));
        var test = Images(2, 32);
        var expected = OrtRun.Output(OnnxExporter.ToBytes(model), test);
        var actual = OrtRun.Output(quantized, test);
        double largest = expected.Max(v => Math.Abs(v)), worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        // Measured: worst error ≈ 1–2 % of the largest logit. An unquantized graph would be exact, a broken one far off.
        Assert.IsTrue(worst > 0, "the int8 model should not be bit-identical to the float one");
        Assert.IsTrue(worst < 0.05 * largest, $"worst logit error {worst} against a largest logit of {largest}");
    }

    [TestMethod]
    public void TheGraphHoldsInt8WeightsBehindDequantizeLinearAndFusesReluAndClip()
    {
        var model = SmallModel();
        var proto = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(model, Images(1, 16)));
        var graph = proto.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);

        foreach (var node in graph.Node.Where(n => n.OpType is "Conv" or "Gemm"))
        {
            var weightDq = producers[node.Input[1]];
            Assert.AreEqual("DequantizeLinear", weightDq.OpType, $"{node.Name}: weight");
            Assert.AreEqual((int)DataType.Int8, initializers[weightDq.Input[0]].DataType, $"{node.Name}: weight type");
            Assert.AreEqual(0, weightDq.Attribute.Single(a => a.Name == "axis").I, $"{node.Name}: per output channel");
            Assert.AreEqual((int)DataType.Int32, initializers[producers[node.Input[2]].Input[0]].DataType, $"{node.Name}: bias type");
            Assert.AreEqual("DequantizeLinear", producers[node.Input[0]].OpType, $"{node.Name}: input");
        }
        Assert.IsFalse(graph.Node.Any(n => n.OpType is "Relu" or "Clip" or "BatchNormalization"), "Relu and Clip fused into Q, batch norm folded");
        Assert.IsFalse(graph.Initializer.Any(i => i.DataType == (int)DataType.Float && i.Dims.Aggregate(1L, (a, d) => a * d) > 8),
            "no float weights remain (only scales)");
        Assert.AreEqual("logits", graph.Output.Single().Name);
        Assert.AreEqual("Gemm", producers["logits"].OpType, "the output stays float, straight from the head");
        Assert.AreEqual("input", graph.Input.Single().Name);
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual("[\"a\",\"b\",\"c\",\"d\"]", metadata[OnnxExporter.ClassNamesKey]);
        StringAssert.Contains(metadata[Int8Quantizer.QuantizationKey], "\"calibrationImages\":16");
    }

    [TestMethod]
    public void OnnxRuntimeFusesTheQdqGroupsIntoIntegerKernels()
    {
        var model = SmallModel();
        string optimized = Path.Combine(Path.GetTempPath(), $"int8-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
            using (new InferenceSession(Int8Quantizer.Quantize(model, Images(1, 16)), options)) { }
            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.Select(n => n.OpType).ToList();
            Assert.AreEqual(2, ops.Count(op => op == "QLinearConv"), string.Join(", ", ops));
            Assert.IsFalse(ops.Contains("Conv"), string.Join(", ", ops));
        }
        finally { File.Delete(optimized); }
    }

    [TestMethod]
    public void PerTensorWeightsHaveOneScale()
    {
        var proto = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(SmallModel(), Images(1, 16), new QuantizationOptions { PerChannel = false }));
        var initializers = proto.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var dq in proto.Graph.Node.Where(n => n.OpType == "DequantizeLinear" && initializers.TryGetValue(n.Input[0], out var q) && q.DataType == (int)DataType.Int8))
        {
            Assert.AreEqual(0, initializers[dq.Input[1]].Dims.Count, $"{dq.Name}: scalar scale");
            Assert.IsFalse(dq.Attribute.Any(a => a.Name == "axis"));
        }
    }

    [TestMethod]
    public void ReduceRangeKeepsWeightsInSevenBits()
    {
        var model = SmallModel();
        var proto = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(model, Images(1, 16), new QuantizationOptions { ReduceRange = true }));
        var weights = proto.Graph.Initializer.Where(i => i.DataType == (int)DataType.Int8 && i.Dims.Count > 1).ToList();
        Assert.AreEqual(3, weights.Count, "two convolutions and the dense layer");
        foreach (var weight in weights)
            Assert.AreEqual(63, weight.RawData.Span.ToArray().Max(b => Math.Abs((int)(sbyte)b)), weight.Name);
        StringAssert.Contains(proto.MetadataProps.Single(p => p.Key == Int8Quantizer.QuantizationKey).Value, "7-bit range");
        var test = Images(2, 16);
        var expected = OrtRun.Output(OnnxExporter.ToBytes(model), test);
        var actual = OrtRun.Output(Int8Quantizer.Quantize(model, Images(1, 96), new QuantizationOptions { ReduceRange = true }), test);
        Assert.IsTrue(Cosine(expected, actual) > 0.99);

        // 8 bits when asked for, whatever the CPU; the default follows the CPU (7 bits where ONNX Runtime's kernel would saturate)
        var full = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(model, Images(1, 16), new QuantizationOptions { ReduceRange = false }));
        foreach (var weight in full.Graph.Initializer.Where(i => i.DataType == (int)DataType.Int8 && i.Dims.Count > 1))
            Assert.AreEqual(127, weight.RawData.Span.ToArray().Max(b => Math.Abs((int)(sbyte)b)), weight.Name);
        Assert.AreEqual(!CpuFacts.HasInt8DotProduct, new QuantizationOptions().ReduceRange);
    }

    [TestMethod]
    public void ExcludedNodesStayFloat()
    {
        var model = SmallModel();
        string first = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model)).Graph.Node.First(n => n.OpType == "Conv").Name;
        var proto = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(model, Images(1, 16), new QuantizationOptions { ExcludedNodes = [first] }));
        var conv = proto.Graph.Node.Single(n => n.Name == first);
        var weight = proto.Graph.Initializer.Single(i => i.Name == conv.Input[1]);
        Assert.AreEqual((int)DataType.Float, weight.DataType);
        Assert.AreEqual(1, proto.Graph.Node.Count(n => n.OpType == "QLinearConv" || (n.OpType == "Conv" && n.Name != first)));
    }

    [TestMethod]
    public void PercentileCalibrationIgnoresARareOutlier()
    {
        var images = Images(1, 64);
        images.Span[5] = 100f; // one pixel far outside [0, 1), among 64 × 144 = 9,216: 99.9 % leaves out 9 from each end
        float InputScale(CalibrationMethod method)
        {
            var proto = ModelProto.Parser.ParseFrom(Int8Quantizer.Quantize(SmallModel(), images, new QuantizationOptions { Calibration = method, Percentile = 99.9 }));
            return OnnxTensorData.Floats(proto.Graph.Initializer.Single(i => i.Name == "input.scale"))[0];
        }
        Assert.AreEqual(100f / 255, InputScale(CalibrationMethod.MinMax), 1e-6f);
        Assert.AreEqual(1f / 255, InputScale(CalibrationMethod.Percentile), 0.02f / 255);
    }

    [TestMethod]
    public void TheSameInputsGiveTheSameBytes()
    {
        var model = SmallModel();
        CollectionAssert.AreEqual(Int8Quantizer.Quantize(model, Images(1, 40)), Int8Quantizer.Quantize(model, Images(1, 40)));
    }

    [TestMethod]
    public void BadInputsGetClearErrors()
    {
        var model = SmallModel();
        var floatBytes = OnnxExporter.ToBytes(model);
        var images = Images(1, 8);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Int8Quantizer.Quantize([1, 2, 3, 250, 7], [images])).Message, "not an ONNX model");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => Int8Quantizer.Quantize(Int8Quantizer.Quantize(floatBytes, [images]), [images])).Message,
            "already quantized");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Int8Quantizer.Quantize(floatBytes, [])).Message, "No calibration images");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Int8Quantizer.Quantize(floatBytes, [new Tensor(2, 1, 10, 10)])).Message,
            "[2, 1, 10, 10]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Int8Quantizer.Quantize(model, new Tensor(2, 3, 12, 12))).Message,
            "[N, 1, 12, 12]");
        images.Span[3] = float.NaN;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Int8Quantizer.Quantize(model, images)).Message, "non-finite");
    }

    /// <summary>A real trained network (PyTorch's export of a small ResNet, 91.55 %): int8 loses at most one point on Fashion-MNIST.</summary>
    [TestMethod]
    public void TheTrainedResNetLosesAtMostOnePointOnFashionMnist()
    {
        var floatBytes = File.ReadAllBytes(TestModels.PathOf("fmnist-resnet-small.onnx"));
        if (!FashionMnist.IsAvailable()) Assert.Inconclusive(FashionMnist.NotFoundMessage());
        var calibration = Slice(FashionMnist.LoadTrain(), 0, 500).Images;
        var (test, labels) = Slice(FashionMnist.LoadTest(), 0, 2000);
        var quantized = Int8Quantizer.Quantize(floatBytes, [calibration]);

        double floatAccuracy = Accuracy(floatBytes, test, labels), int8Accuracy = Accuracy(quantized, test, labels);
        Console.WriteLine($"float {floatAccuracy:P2} ({floatBytes.Length:N0} bytes), int8 {int8Accuracy:P2} ({quantized.Length:N0} bytes)");
        Assert.IsTrue(floatAccuracy > 0.88, $"float accuracy {floatAccuracy}");
        Assert.IsTrue(floatAccuracy - int8Accuracy <= 0.01, $"int8 {int8Accuracy} against float {floatAccuracy}");
        Assert.IsTrue(quantized.Length < 0.4 * floatBytes.Length, $"{quantized.Length} bytes against {floatBytes.Length}");
    }

    /// <summary>
    /// PyTorch's exports of SqueezeNet 1.1 (Concat of fire modules) and MobileNetV2 (depthwise convolutions, ReLU6 as
    /// Clip, residual Adds) with random weights: the quantized graph loads in ONNX Runtime, fuses every convolution and
    /// keeps the logits close (calibrated on the fixture's own batch, as a stand-in for typical images).
    /// </summary>
    [TestMethod]
    [DataRow("squeezenet1_1", 26)]
    [DataRow("mobilenet_v2_x0_5", 52)]
    public void PyTorchExportsQuantizeAndStayClose(string name, int convolutions)
    {
        var floatBytes = File.ReadAllBytes(TestModels.PathOf($"{name}.onnx"));
        var (pixels, shape) = NpyFile.Read(TestModels.PathOf($"{name}.input.npy"));
        var input = Tensor.FromArray(pixels, shape);
        var quantized = Int8Quantizer.Quantize(floatBytes, [input]);
        var graph = ModelProto.Parser.ParseFrom(quantized).Graph;
        Assert.AreEqual(convolutions, graph.Node.Count(n => n.OpType == "Conv"));
        var floatConvolutions = graph.Node.Where(n => n.OpType == "Conv" && !graph.Node.Any(d => d.OpType == "DequantizeLinear" && d.Output[0] == n.Input[1]));
        Assert.AreEqual("", string.Join(", ", floatConvolutions.Select(n => $"{n.Name} ({string.Join(", ", n.Input)})")), "every convolution's weight is int8");

        var expected = OrtRun.Output(floatBytes, input);
        var actual = OrtRun.Output(quantized, input);
        double cosine = Cosine(expected, actual);
        Console.WriteLine($"{name}: cosine similarity of the logits {cosine:F5}, {floatBytes.Length:N0} → {quantized.Length:N0} bytes");
        Assert.IsTrue(cosine > 0.99, $"cosine similarity {cosine}");
        Assert.IsTrue(quantized.Length < 0.4 * floatBytes.Length, $"{quantized.Length} bytes"); // int8 weights plus per-channel scales and the Q/DQ nodes
    }

    /// <summary>
    /// Architectures whose graphs hold every construct of the exporter (channel shuffle's Reshape/Transpose and Slice,
    /// dense concatenation, squeeze-excite's Sigmoid·Mul gate, SiLU, inception branches, ReLU6, transposed convolutions
    /// and skip concatenations): each quantized graph loads in ONNX Runtime and its outputs stay close to the float
    /// graph's (random weights and batch-norm statistics, calibrated on 32 random images, checked on 4 others).
    /// </summary>
    [TestMethod]
    [DataRow("shufflenet-v2")]
    [DataRow("densenet-121")]
    [DataRow("se-resnet-18")]
    [DataRow("efficientnet")]
    [DataRow("googlenet")]
    [DataRow("mobilenet-v2")]
    [DataRow("unet")]
    public void EveryKindOfGraphQuantizesAndStaysClose(string architecture)
    {
        Layer network = architecture switch
        {
            "shufflenet-v2" => ShuffleNetV2.Build(3, 5, 0.5),
            "densenet-121" => DenseNet.Build(121, 3, 5, growthRate: 8, initialFeatures: 16),
            "se-resnet-18" => SeResNet.Build(18, 16, 3, 5),
            "efficientnet" => EfficientNet.Build(3, 5, new EfficientNet.Scaling(0.25, 0.5, 32, 0.2f)),
            "googlenet" => GoogLeNet.Build(3, 5),
            "mobilenet-v2" => MobileNetV2.Build(3, 5, 0.25),
            _ => UNet.Build(3, 4, depth: 2, baseWidth: 4, batchNorm: true),
        };
        TestNetworks.Randomize(network);
        int size = architecture == "unet" ? 16 : 32;
        var model = new CnnModel(network, new TensorShape(3, size, size), []);
        var test = TestData.Tensor(8, 4, 3, size, size);
        var quantized = Int8Quantizer.Quantize(model, TestData.Tensor(7, 32, 3, size, size));
        var expected = OrtRun.Output(OnnxExporter.ToBytes(model), test);
        var actual = OrtRun.Output(quantized, test);
        double cosine = Cosine(expected, actual);
        Console.WriteLine($"{architecture}: cosine similarity {cosine:F5}");
        // Measured 0.9979 (MobileNetV2) to 0.99997 (UNet).
        Assert.IsTrue(cosine > 0.99, $"{architecture}: cosine similarity {cosine}");
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++) (dot, aa, bb) = (dot + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]);
        return dot / Math.Sqrt(aa * bb);
    }

    private static (Tensor Images, int[] Labels) Slice(ImageDataset data, int start, int count)
    {
        var images = new Tensor(count, 1, 28, 28);
        var labels = new Tensor(count);
        data.Gather(Enumerable.Range(start, count).ToArray(), images, labels);
        return (images, labels.ToArray().Select(l => (int)l).ToArray());
    }

    private static double Accuracy(byte[] model, Tensor images, int[] labels)
    {
        var logits = OrtRun.Output(model, images);
        int classes = logits.Length / labels.Length, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            if (row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)) == labels[i]) correct++;
        }
        return (double)correct / labels.Length;
    }
}
