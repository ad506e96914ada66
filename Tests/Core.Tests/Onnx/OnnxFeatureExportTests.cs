using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Models;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// The network cut after a named layer (<see cref="OnnxExporter.FeaturesToBytes"/>) run in ONNX Runtime on raw pixels,
/// against the core layers run by hand on the normalized pixels up to that layer.
/// </summary>
[TestClass]
public sealed class OnnxFeatureExportTests
{
    private const double Tolerance = 1e-5;
    private const int Batch = 3;

    private static CnnModel NormalizedNested()
    {
        var nested = LayerPathsTests.Nested();
        Initializer.Initialize(nested.Network, seed: 7);
        return new CnnModel(nested.Network, nested.InputShape, nested.ClassNames, new Normalization([0.5f, -0.25f], [2f, 0.5f]));
    }

    /// <summary>(x − mean[c]) / std[c], as the feature graph's Sub and Div compute it.</summary>
    private static Tensor Normalize(Tensor raw, Normalization normalization)
    {
        var normalized = new Tensor(raw.Shape);
        int plane = raw.Shape[2] * raw.Shape[3];
        for (int i = 0; i < raw.Length; i++)
        {
            int c = i / plane % raw.Shape[1];
            normalized.Span[i] = (raw.Span[i] - normalization.Mean[c]) / normalization.Std[c];
        }
        return normalized;
    }

    private static float[] RunFeatures(CnnModel model, string layer, Tensor raw, out int[] shape)
    {
        using var session = new InferenceSession(OnnxExporter.FeaturesToBytes(model, layer));
        (var values, shape) = OrtRun.Output(session, raw, OnnxExporter.FeaturesName);
        return values;
    }

    [TestMethod]
    public void TheFeaturesOfAnInnerLayerAreTheCoreActivationsOfTheNormalizedPixels()
    {
        var model = NormalizedNested();
        var raw = TestData.Tensor(11, Batch, 2, 6, 6);
        var net = model.Network.Children;
        var expected = new Dictionary<string, float[]>();
        var normalized = Normalize(raw, model.Normalization);
        var stem = net[0].Forward(normalized, training: false);
        expected["stem"] = stem.ToArray();
        expected["block1/conv"] = net[1].Children[0].Forward(stem, training: false).ToArray();
        var block1 = net[1].Forward(stem, training: false);
        expected["block2/body/relu"] = net[2].Children[0].Forward(block1, training: false).ToArray();
        var block2 = net[2].Forward(block1, training: false);
        expected["se/squeeze"] = net[3].Children[0].Forward(block2, training: false).ToArray();
        var gated = net[3].Forward(block2, training: false);
        expected["b"] = net[4].Children[1].Forward(gated, training: false).ToArray();
        expected["head"] = model.Network.Forward(normalized, training: false).ToArray();

        foreach (var (layer, values) in expected)
        {
            var actual = RunFeatures(model, layer, raw, out var shape);
            CollectionAssert.AreEqual(new[] { Batch, LayerPaths.Find(model, layer).FeatureCount }, shape, $"{layer}: shape");
            for (int i = 0; i < values.Length; i++)
                if (!(Math.Abs(values[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(values[i]))))
                    Assert.Fail($"{layer}: element {i} is {actual[i]} in ONNX Runtime, {values[i]} in the core.");
        }
    }

    [TestMethod]
    public void EveryListedLayerOfAResNetExportsWithItsListedSize()
    {
        var network = ResNetSmall.Build(channels: 1, classes: 4, widths: [4, 8], blocksPerStage: 1);
        Initializer.Initialize(network, seed: 3);
        var model = new CnnModel(network, new TensorShape(1, 12, 12), ["a", "b", "c", "d"]);
        var raw = TestData.Tensor(5, Batch, 1, 12, 12);
        foreach (var layer in LayerPaths.List(model))
        {
            var actual = RunFeatures(model, layer.Path, raw, out var shape);
            CollectionAssert.AreEqual(new[] { Batch, layer.FeatureCount }, shape, layer.Path);
            Assert.IsTrue(actual.All(float.IsFinite), layer.Path);
        }
    }

    [TestMethod]
    public void TheLayersAfterTheCutAndTheirWeightsAreLeftOut()
    {
        var model = NormalizedNested();
        var graph = OnnxExporter.BuildFeatures(model, "block1/conv", 13).Graph;
        var weights = graph.Initializer.Select(i => i.Name).ToHashSet();
        Assert.IsTrue(weights.Contains("stem.weight") && weights.Contains("conv.weight"), string.Join(", ", weights));
        Assert.IsFalse(weights.Any(w => w.StartsWith("head") || w.StartsWith("a.") || w.StartsWith("b.")), string.Join(", ", weights));
        CollectionAssert.AreEqual(new[] { "Sub", "Div", "Conv", "Conv", "Flatten" }, graph.Node.Select(n => n.OpType).ToArray());
    }

    [TestMethod]
    public void TheMetadataNamesTheLayerAndSaysTheNormalizationIsInTheGraph()
    {
        var model = NormalizedNested();
        using var features = new InferenceSession(OnnxExporter.FeaturesToBytes(model, "b"));
        var map = features.ModelMetadata.CustomMetadataMap;
        Assert.AreEqual("split/b", map[OnnxExporter.FeatureLayerKey]);
        Assert.AreEqual("true", map[OnnxExporter.NormalizationInGraphKey]);
        using var logits = new InferenceSession(OnnxExporter.ToBytes(model));
        Assert.AreEqual("false", logits.ModelMetadata.CustomMetadataMap[OnnxExporter.NormalizationInGraphKey]);
    }

    [TestMethod]
    public void AnUnknownLayerIsRefusedWithTheList() =>
        ArgumentAssert.Throws(() => OnnxExporter.FeaturesToBytes(NormalizedNested(), "block3"), "name", "no layer 'block3'", "block2/body/conv");
}
