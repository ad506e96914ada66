using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Segmentation;

/// <summary>
/// Backbones cut into stages at the points where the output stride grows: strides and channels of the project's
/// architectures (by hand from their layouts), single-stage backbones, classifier trunks, and the errors.
/// </summary>
[TestClass]
public sealed class BackboneStagesTests
{
    private static void AssertStages(IReadOnlyList<BackboneStage> stages, int[] strides, int[] channels, string what)
    {
        CollectionAssert.AreEqual(strides, stages.Select(s => s.Stride).ToArray(), $"{what}: strides");
        CollectionAssert.AreEqual(channels, stages.Select(s => s.Channels).ToArray(), $"{what}: channels");
    }

    [TestMethod]
    public void ResNet18_splits_at_its_five_strides()
    {
        // conv1/bn1/relu at 2 (64), maxpool + layer1 at 4 (64), layer2–4 at 8, 16, 32 (128, 256, 512).
        var stages = BackboneStages.Split(BackboneStages.Trunk(ResNet.Build(18)), new TensorShape(3, 224, 224));
        AssertStages(stages, [2, 4, 8, 16, 32], [64, 64, 128, 256, 512], "resnet18");
        Assert.AreEqual("layer4", stages[^1].Layer.Children.Single().Name);
        CollectionAssert.AreEqual(new[] { "maxpool", "layer1" }, stages[1].Layer.Children.Select(l => l.Name).ToArray());
    }

    [TestMethod]
    public void MobileNetV2_splits_after_each_striding_block()
    {
        // features.0–1 at 2 (16), 2–3 at 4 (24), 4–6 at 8 (32), 7–13 at 16 (96 after the stride-1 blocks), 14–18 at 32 (1280).
        var stages = BackboneStages.Split(BackboneStages.Trunk(MobileNetV2.Build()), new TensorShape(3, 96, 96));
        AssertStages(stages, [2, 4, 8, 16, 32], [16, 24, 32, 96, 1280], "mobilenet_v2");
    }

    [TestMethod]
    public void Small_backbones_split_by_stage_and_SmallVgg_is_walked_into()
    {
        AssertStages(BackboneStages.Split(DetectionBackbones.Small(), new TensorShape(1, 96, 96)),
            [2, 4, 8, 16, 32], [16, 32, 64, 128, 128], "small");
        // SmallVgg's one "features" child halves twice, so its layers are split: conv1 at 1; pool1 + conv2 at 2; pool2 at 4.
        AssertStages(BackboneStages.Split(BackboneStages.Trunk(SmallVgg.Build()), new TensorShape(1, 96, 96)),
            [1, 2, 4], [16, 32, 32], "small_vgg");
        // ResNetSmall: stem and layer1 at 1, layer2 at 2, layer3 at 4.
        AssertStages(BackboneStages.Split(BackboneStages.Trunk(ResNetSmall.Build()), new TensorShape(1, 32, 32)),
            [1, 2, 4], [16, 32, 64], "resnet_small");
    }

    [TestMethod]
    public void A_backbone_of_one_layer_is_one_stage()
    {
        var opaque = new Conv2dLayer("imported", 3, 5, 4, 4);
        var stages = BackboneStages.Split(opaque, new TensorShape(3, 32, 32));
        AssertStages(stages, [4], [5], "one layer");
        Assert.AreSame(opaque, stages[0].Layer.Children.Single());
    }

    [TestMethod]
    public void The_trunk_of_a_trained_model_is_an_independent_copy_that_runs_on_larger_images()
    {
        var network = SmallVgg.Build();
        MLNet.Cnn.Training.Initializer.Initialize(network, 3);
        var trained = new CnnModel(network, new TensorShape(1, 28, 28), [.. Enumerable.Range(0, 10).Select(i => $"c{i}")]);
        var trunk = BackboneStages.Trunk(trained);
        var original = network.Children[0].AllParameters().ToList();
        var copied = trunk.AllParameters().ToList();
        Assert.AreEqual(original.Count, copied.Count);
        foreach (var (a, b) in original.Zip(copied))
        {
            Assert.AreNotSame(a.Value, b.Value, a.Name);
            CollectionAssert.AreEqual(a.Value.ToArray(), b.Value.ToArray(), a.Name);
        }
        Assert.AreEqual(new TensorShape(1, 32, 24, 24), trunk.OutputShape(new TensorShape(1, 1, 96, 96)));
    }

    [TestMethod]
    public void Bad_inputs_and_backbones_are_refused_with_what_was_expected()
    {
        var resnet = BackboneStages.Trunk(ResNet.Build(18));
        var e = Assert.ThrowsExactly<ArgumentException>(() => BackboneStages.Split(resnet, new TensorShape(3, 100, 100)));
        StringAssert.Contains(e.Message, "multiples of the backbone's largest stride");
        e = Assert.ThrowsExactly<ArgumentException>(() => BackboneStages.Split(ResNet.Build(18), new TensorShape(3, 64, 64)));
        StringAssert.Contains(e.Message, "[N, C, h, w]");
        e = Assert.ThrowsExactly<ArgumentException>(() => BackboneStages.Split(resnet, new TensorShape(1, 3, 64, 64)));
        StringAssert.Contains(e.Message, "[C, H, W]");
        var growing = new Sequential("growing", new Conv2dLayer("down", 1, 2, 2, 2), new UpsampleLayer("up", 2));
        e = Assert.ThrowsExactly<ArgumentException>(() => BackboneStages.Split(growing, new TensorShape(1, 8, 8)));
        StringAssert.Contains(e.Message, "makes the map larger");
        e = Assert.ThrowsExactly<ArgumentException>(() => BackboneStages.Trunk(new Sequential("convs", new Conv2dLayer("c", 1, 1, 1))));
        StringAssert.Contains(e.Message, "no classifier head");
    }
}
