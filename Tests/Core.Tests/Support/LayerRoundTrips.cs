using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Support;

/// <summary>
/// What a layer's <see cref="LayerKind"/> promises, checked end to end on the layer as it is (weights and batch-norm
/// statistics included): the model file saves and loads it with the same description and bit-identical outputs; its ONNX
/// export gives its outputs in ONNX Runtime, and imported back with <see cref="OnnxImporter"/> in the core, both within
/// <see cref="Tolerance"/> (as <c>OnnxRuntimeCheck</c>). Run by the layer harness on every layer it checks, and by
/// <c>LayerRegistryTests</c> on every layer type.
/// </summary>
public static class LayerRoundTrips
{
    public const double Tolerance = 1e-5;

    /// <summary>
    /// The round trips of <paramref name="layer"/> for input <paramref name="x"/>, [N, C, H, W] or [N, F] (a model's input is
    /// one image: [N, F] goes in as the image [F, 1, 1] through a <see cref="FlattenLayer"/>). The round trips in
    /// <paramref name="cannot"/>, which the layer legitimately cannot make for the reason <paramref name="because"/>, must
    /// fail with a NotSupportedException instead, so that the exception goes when the limitation does.
    /// </summary>
    public static void Check(Layer layer, Tensor x, RoundTrip cannot = RoundTrip.None, string because = "")
    {
        Assert.AreEqual(cannot == RoundTrip.None, because == "", $"{layer}: a round trip it cannot make needs the reason, and only such a one");
        var (network, image) = x.Shape.Rank switch
        {
            4 => (layer, new TensorShape(x.Shape[1], x.Shape[2], x.Shape[3])),
            2 => (new Sequential("harness", new FlattenLayer("harness.flatten"), layer), new TensorShape(x.Shape[1], 1, 1)),
            _ => throw new ArgumentException($"{layer}: the round trips take an input [N, C, H, W] or [N, F], not {x.Shape}.", nameof(x)),
        };
        var model = new CnnModel(network, image, []);
        var input = x.Reshape([x.Shape[0], .. image.Dimensions.ToArray()]);
        float[] expected = network.Forward(input, training: false).ToArray();
        Assert.IsTrue(expected.Length == 1 || expected.Distinct().Count() > 1, $"{layer}: its output is constant, so comparing it would check little.");

        Run(RoundTrip.ModelFile, () =>
        {
            using var file = new MemoryStream();
            ModelFile.Save(model, file);
            var loaded = ModelFile.Load(new MemoryStream(file.ToArray())).Network;
            Assert.AreEqual(LayerCatalog.Describe(network).ToJsonString(), LayerCatalog.Describe(loaded).ToJsonString(), $"{layer}: model file entry");
            CollectionAssert.AreEqual(expected, loaded.Forward(input, training: false).ToArray(), $"{layer}: outputs after the model file");
        });
        Run(RoundTrip.Onnx, () => Approx.AssertClose(expected, OrtRun.Output(OnnxExporter.ToBytes(model), input), Tolerance, $"{layer}: ONNX Runtime"));
        Run(RoundTrip.Reimport, () =>
        {
            var actual = OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(model))).Forward(input, training: false);
            Assert.AreEqual(network.OutputShape(input.Shape), actual.Shape, $"{layer}: shape after the ONNX re-import");
            Approx.AssertClose(expected, actual.Span, Tolerance, $"{layer}: the ONNX re-import");
        });

        void Run(RoundTrip trip, Action roundTrip)
        {
            if (!cannot.HasFlag(trip)) roundTrip();
            else Assert.ThrowsExactly<NotSupportedException>(roundTrip,
                $"{layer} is said not to make the {trip} round trip ({because}), but it does now: take it off the list.");
        }
    }
}

/// <summary>The round trips of <see cref="LayerRoundTrips.Check"/>.</summary>
[Flags]
public enum RoundTrip
{
    None = 0,
    /// <summary>ModelFile.Save, then Load.</summary>
    ModelFile = 1,
    /// <summary>OnnxExporter, then ONNX Runtime.</summary>
    Onnx = 2,
    /// <summary>OnnxExporter, then OnnxImporter.</summary>
    Reimport = 4,
}
