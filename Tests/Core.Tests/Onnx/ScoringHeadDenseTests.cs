using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>The scoring graphs of map outputs (a YOLO head's decoding, per-pixel classes) in ONNX Runtime against the core (within 1e-5).</summary>
[TestClass]
public sealed class ScoringHeadDenseTests
{
    private const int Side = 16, Channels = 2;

    /// <summary>A network [N, 2, 16, 16] → [N, outputs, 16 / stride, 16 / stride].</summary>
    private static CnnModel Model(int outputs, int stride, float scale = 1)
    {
        var network = new Sequential("net", new Conv2dLayer("conv", Channels, 6, 3, stride: stride, padding: 1),
            new ActivationLayer("relu", new ReLU()), new Conv2dLayer("out", 6, outputs, 1));
        Initializer.Initialize(network, 5);
        // Larger weights give logits far from 0: saturated sigmoids, clamped scales and confident classes are exercised too.
        foreach (var p in network.Parameters) foreach (ref float v in p.Value.Span) v *= scale;
        return new CnnModel(network, new TensorShape(Channels, Side, Side), ["a", "b", "c"]);
    }

    private static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] onnx, Tensor pixels, params string[] outputs)
    {
        using var session = new InferenceSession(onnx);
        using var value = OrtValue.CreateTensorValueFromMemory(pixels.ToArray(), pixels.Shape.Dimensions.ToArray().Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["pixels"], [value], outputs);
        return outputs.Select((name, i) => (name, results[i]))
            .ToDictionary(r => r.name, r => (r.Item2.GetTensorDataAsSpan<float>().ToArray(), r.Item2.GetTensorTypeAndShape().Shape));
    }

    [TestMethod]
    public void YoloDetectionsDecodeAsTheHeadDoes()
    {
        var head = new YoloHead([6f, 4f, 20f, 12f], classCount: 3, stride: 4);
        var model = Model(head.Channels, stride: 4, scale: 3);
        var pixels = TestData.Tensor(7, 3, Channels, Side, Side);
        var output = model.Network.Forward(pixels, training: false);
        var grid = head.GridOf(output);
        var onnx = new ScoringHead(model, "pixels").YoloDetections(head, "boxes", "scores").ToBytes();
        var results = Run(onnx, pixels, "boxes", "scores");
        int positions = grid.Positions(head.AnchorCount) / grid.Batch;
        CollectionAssert.AreEqual(new long[] { 3, positions, 4 }, results["boxes"].Shape);
        CollectionAssert.AreEqual(new long[] { 3, positions, 3 }, results["scores"].Shape);

        var span = output.ToArray();
        var boxes = new float[grid.Batch * positions * 4];
        var scores = new float[grid.Batch * positions * 3];
        for (int n = 0, p = 0; n < grid.Batch; n++)
            for (int a = 0; a < head.AnchorCount; a++)
                for (int i = 0; i < grid.Height; i++)
                    for (int j = 0; j < grid.Width; j++, p++)
                    {
                        float at(int field) => span[((n * head.Channels + a * head.ChannelsPerAnchor + field) * grid.Height + i) * grid.Width + j];
                        head.DecodeBox(at(YoloHead.Tx), at(YoloHead.Ty), at(YoloHead.Tw), at(YoloHead.Th), a, i, j, boxes.AsSpan(4 * p, 4));
                        double objectness = 1 / (1 + Math.Exp(-at(YoloHead.Objectness)));
                        var logits = Enumerable.Range(0, 3).Select(c => (double)at(YoloHead.FirstClass + c)).ToArray();
                        double sum = logits.Sum(l => Math.Exp(l - logits.Max()));
                        for (int c = 0; c < 3; c++) scores[3 * p + c] = (float)(objectness * Math.Exp(logits[c] - logits.Max()) / sum);
                    }
        Approx.AssertClose(boxes, results["boxes"].Values, 1e-5, "boxes");
        Approx.AssertClose(scores, results["scores"].Values, 1e-5, "scores");

        // NMS over the graph's outputs gives the core decoder's detections.
        var options = new YoloDecodeOptions(ScoreThreshold: 0.2f, NmsIouThreshold: 0.5f, MaxDetections: 20);
        var decoded = YoloDecoder.Decode(head, output, options);
        for (int n = 0; n < grid.Batch; n++)
        {
            var selected = YoloDecoder.Select(results["boxes"].Values.AsSpan(n * positions * 4, positions * 4),
                results["scores"].Values.AsSpan(n * positions * 3, positions * 3), 3, options);
            Assert.AreEqual(decoded[n].Count, selected.Length, $"image {n}");
            Assert.IsTrue(selected.Length > 0, "some detections pass the threshold");
            for (int d = 0; d < selected.Length; d++)
            {
                Assert.AreEqual(decoded[n][d].ClassId, selected[d].ClassId);
                Assert.AreEqual(decoded[n][d].Score, selected[d].Score, 1e-5);
                Assert.AreEqual(decoded[n][d].X1, selected[d].X1, 1e-4);
            }
        }
    }

    [TestMethod]
    public void PixelProbabilitiesAndClassesAreTheSoftmaxAndArgMaxPerPixel()
    {
        var model = Model(3, stride: 1);
        var pixels = TestData.Tensor(8, 2, Channels, Side, Side);
        var logits = model.Network.Forward(pixels, training: false).ToArray();
        var onnx = new ScoringHead(model, "pixels").PixelProbabilities("p", 3).PixelClasses("k", 3).ToBytes();
        using var session = new InferenceSession(onnx);
        using var value = OrtValue.CreateTensorValueFromMemory(pixels.ToArray(), [2, Channels, Side, Side]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["pixels"], [value], ["p", "k"]);
        var probabilities = results[0].GetTensorDataAsSpan<float>().ToArray();
        var classes = results[1].GetTensorDataAsSpan<long>().ToArray();
        CollectionAssert.AreEqual(new long[] { 2, 3 * Side * Side }, results[0].GetTensorTypeAndShape().Shape);
        CollectionAssert.AreEqual(new long[] { 2, Side * Side }, results[1].GetTensorTypeAndShape().Shape);
        int plane = Side * Side;
        var expected = new float[logits.Length];
        var expectedClasses = new long[2 * plane];
        for (int n = 0; n < 2; n++)
            for (int q = 0; q < plane; q++)
            {
                var z = Enumerable.Range(0, 3).Select(c => (double)logits[(n * 3 + c) * plane + q]).ToArray();
                double sum = z.Sum(v => Math.Exp(v - z.Max()));
                for (int c = 0; c < 3; c++) expected[(n * 3 + c) * plane + q] = (float)(Math.Exp(z[c] - z.Max()) / sum);
                expectedClasses[n * plane + q] = Array.IndexOf(z, z.Max());
            }
        Approx.AssertClose(expected, probabilities, 1e-5, "probabilities");
        CollectionAssert.AreEqual(expectedClasses, classes);
    }

    [TestMethod]
    public void ConstantsRepeatOneRowPerImage()
    {
        var model = Model(3, stride: 1);
        var onnx = new ScoringHead(model, "pixels").PixelClasses("k", 3).Constants("settings", [0.25f, 0.5f, 100, 16, 16]).ToBytes();
        var result = Run(onnx, TestData.Tensor(1, 3, Channels, Side, Side), "settings")["settings"];
        CollectionAssert.AreEqual(new long[] { 3, 5 }, result.Shape);
        CollectionAssert.AreEqual(Enumerable.Repeat(new[] { 0.25f, 0.5f, 100, 16, 16 }, 3).SelectMany(r => r).ToArray(), result.Values);
    }

    [TestMethod]
    public void AMapOutputOfAnotherShapeIsRefusedByName()
    {
        var model = Model(4, stride: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ScoringHead(model, "pixels").YoloDetections(new YoloHead([1f, 1f], 3, 1), "b", "s"));
        StringAssert.Contains(e.Message, "[1, 8, H, W]");
        Assert.ThrowsExactly<ArgumentException>(() => new ScoringHead(model, "pixels").PixelClasses("k", 3));
    }
}
