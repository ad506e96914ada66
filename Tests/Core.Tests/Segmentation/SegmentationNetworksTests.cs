using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Layers;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Segmentation;

/// <summary>
/// UNet and FCN on backbones: [N, classes, H, W] for several backbones, input sizes and both decoders; on a tiny backbone
/// the layer harness checks parameter counts (by hand), backward against finite differences, the model file, ONNX Runtime
/// and ONNX re-import; the backbone keeps its weights when the head is built.
/// </summary>
[TestClass]
public sealed class SegmentationNetworksTests
{
    private static readonly SegmentationDecoder[] Decoders = [SegmentationDecoder.TransposedConvolution, SegmentationDecoder.Bilinear];

    [TestMethod]
    public void Output_is_classes_by_the_input_size_for_every_backbone_size_and_decoder()
    {
        foreach (var decoder in Decoders)
            foreach (var (backbone, input) in new (Func<Layer> Build, TensorShape Input)[]
                     {
                         (() => DetectionBackbones.Small(), new(1, 96, 96)),
                         (() => DetectionBackbones.Small(), new(1, 64, 128)),
                         (() => BackboneStages.Trunk(ResNetSmall.Build(3)), new(3, 64, 64)),
                         (() => BackboneStages.Trunk(MobileNetV2.Build(widthMultiplier: 0.35)), new(3, 96, 96)),
                         (() => BackboneStages.Trunk(SmallVgg.Build()), new(1, 28, 28)),
                         (() => new Conv2dLayer("imported", 1, 4, 4, 4), new(1, 16, 16)),
                     })
            {
                var batch = new TensorShape([2, .. input.Dimensions]);
                var expected = new TensorShape(2, 5, input[1], input[2]);
                Assert.AreEqual(expected, SegmentationNetworks.UNet(backbone(), input, 5, decoder).OutputShape(batch), $"unet {decoder} {input}");
                Assert.AreEqual(expected, SegmentationNetworks.Fcn(backbone(), input, 5, decoder).OutputShape(batch), $"fcn {decoder} {input}");
            }
    }

    [TestMethod]
    public void Forward_at_training_and_inference_gives_the_input_size()
    {
        var net = SegmentationNetworks.UNet(DetectionBackbones.Small(width: 4, stages: 3), new TensorShape(1, 32, 32), 3, SegmentationDecoder.Bilinear);
        var x = TestData.Tensor(1, 2, 1, 32, 32);
        Assert.AreEqual(new TensorShape(2, 3, 32, 32), net.Forward(x, training: true).Shape);
        var inference = net.Forward(x, training: false);
        Assert.AreEqual(new TensorShape(2, 3, 32, 32), inference.Shape);
        Assert.IsTrue(inference.ToArray().Distinct().Count() > 1, "the output is not constant");
    }

    /// <summary>Small(1, width 2, 2 stages): stage1 conv 1→2 (18) + BN (4) + conv 2→2 (36) + BN (4); stage2 conv 2→4 (72) + BN (8) + conv 4→4 (144) + BN (8).</summary>
    private const long TinyBackbone = 62 + 232;

    private static readonly TensorShape Input = new(2, 1, 8, 8);

    /// <summary>The layer harness with a step small enough that the finite differences rarely cross a ReLU's kink.</summary>
    internal static void Harness(Layer network, TensorShape input, long parameters, int seed = 1) =>
        LayerHarness.Check(network, input, parameters, seed, tolerance: 2e-2, step: 1e-3);

    private static IReadOnlyList<BackboneStage> Tiny() =>
        BackboneStages.Split(DetectionBackbones.Small(channels: 1, width: 2, stages: 2), new TensorShape(1, 8, 8));

    [TestMethod]
    public void Tiny_UNet_passes_the_layer_harness_with_both_decoders()
    {
        // lateral4 1×1 4→4 + BN: 24; fuse2 3×3 (2 + 4)→4 + BN: 224; classifier 1×1 4→3 + bias: 15;
        // transposed only: up2 and final_up, 2×2 4→4 + bias: 68 each.
        Harness(SegmentationNetworks.UNet(Tiny(), 3, SegmentationDecoder.TransposedConvolution, decoderWidth: 4),
            Input, TinyBackbone + 24 + 224 + 15 + 2 * 68);
        Harness(SegmentationNetworks.UNet(Tiny(), 3, SegmentationDecoder.Bilinear, decoderWidth: 4),
            Input, TinyBackbone + 24 + 224 + 15);
    }

    [TestMethod]
    public void Tiny_FCN_passes_the_layer_harness_with_both_decoders()
    {
        // score2 1×1 2→3 + bias: 9; score4 1×1 4→3 + bias: 15; transposed only: up2 2×2 3→3 + bias: 39.
        Harness(SegmentationNetworks.Fcn(Tiny(), 3, SegmentationDecoder.TransposedConvolution),
            Input, TinyBackbone + 9 + 15 + 39);
        Harness(SegmentationNetworks.Fcn(Tiny(), 3, SegmentationDecoder.Bilinear),
            Input, TinyBackbone + 9 + 15);
    }

    [TestMethod]
    public void Building_a_head_keeps_the_backbone_weights_and_is_deterministic()
    {
        var backbone = DetectionBackbones.Small(width: 4, stages: 3, seed: 7);
        var before = backbone.AllParameters().Select(p => p.Value.ToArray()).ToList();
        var a = SegmentationNetworks.UNet(backbone, new TensorShape(1, 32, 32), 3, seed: 5);
        foreach (var (p, values) in backbone.AllParameters().Zip(before)) CollectionAssert.AreEqual(values, p.Value.ToArray(), p.Name);
        var b = SegmentationNetworks.UNet(DetectionBackbones.Small(width: 4, stages: 3, seed: 7), new TensorShape(1, 32, 32), 3, seed: 5);
        foreach (var (p, q) in a.AllParameters().Zip(b.AllParameters())) CollectionAssert.AreEqual(p.Value.ToArray(), q.Value.ToArray(), p.Name);
        Assert.IsTrue(a.AllParameters().Single(p => p.Name == "fuse2.conv.weight").Value.ToArray().Any(v => v != 0), "the decoder is initialized");
    }

    [TestMethod]
    public void Bad_arguments_are_refused()
    {
        var input = new TensorShape(1, 32, 32);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SegmentationNetworks.UNet(DetectionBackbones.Small(), input, 0));
        Assert.ThrowsExactly<ArgumentException>(() => SegmentationNetworks.Fcn(DetectionBackbones.Small(), input, 2, (SegmentationDecoder)7));
        Assert.ThrowsExactly<ArgumentException>(() => SegmentationNetworks.UNet(Array.Empty<BackboneStage>(), 2));
        var e = Assert.ThrowsExactly<ArgumentException>(() => SegmentationNetworks.UNet(DetectionBackbones.Small(), new TensorShape(1, 48, 48), 2));
        StringAssert.Contains(e.Message, "multiples of the backbone's largest stride");
    }
}
