using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Models;

[TestClass]
public sealed class LayerPathsTests
{
    /// <summary>Two layers named "conv" in different blocks, a residual body and two branches: every kind of composite.</summary>
    internal static CnnModel Nested() => new(new Sequential("net",
            new Conv2dLayer("stem", 2, 4, 3, padding: 1),
            new Sequential("block1", new Conv2dLayer("conv", 4, 4, 3, stride: 2, padding: 1), new ActivationLayer("relu", new ReLU())),
            new Residual("block2", new Sequential("body", new Conv2dLayer("conv", 4, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()))),
            new Gate("se", new Sequential("squeeze", new GlobalAvgPoolLayer("gap"), new Conv2dLayer("fc", 4, 4, 1),
                new ActivationLayer("sigmoid", new Sigmoid()))),
            new Branches("split", new Conv2dLayer("a", 4, 2, 1), new Conv2dLayer("b", 4, 3, 1)),
            new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("head", 5, 3)),
        new TensorShape(2, 6, 6), ["x", "y", "z"]);

    [TestMethod]
    public void ListsEveryLayerBeforeItsChildrenWithItsOutputForOneImage()
    {
        var listed = LayerPaths.List(Nested()).Select(l => $"{l.Path} {l.OutputShape}").ToArray();
        string[] expected =
        [
            "stem [4, 6, 6]",
            "block1 [4, 3, 3]", "block1/conv [4, 3, 3]", "block1/relu [4, 3, 3]",
            "block2 [4, 3, 3]", "block2/body [4, 3, 3]", "block2/body/conv [4, 3, 3]", "block2/body/relu [4, 3, 3]",
            "se [4, 3, 3]", "se/squeeze [4, 1, 1]", "se/squeeze/gap [4, 1, 1]", "se/squeeze/fc [4, 1, 1]", "se/squeeze/sigmoid [4, 1, 1]",
            "split [5, 3, 3]", "split/a [2, 3, 3]", "split/b [3, 3, 3]",
            "pool [5, 1, 1]", "flatten [5]", "head [3]",
        ];
        CollectionAssert.AreEqual(expected, listed);
        Assert.AreEqual(45, LayerPaths.List(Nested()).Single(l => l.Path == "split").FeatureCount);
    }

    [TestMethod]
    public void FindsALayerByItsPathOrByAPlainNameNoOtherLayerHas()
    {
        var model = Nested();
        var inner = LayerPaths.Find(model, "block2/body/conv");
        Assert.AreSame(((Sequential)model.Network.Children[2].Children[0]).Children[0], inner.Layer);
        Assert.AreEqual("split/b", LayerPaths.Find(model, "b").Path);
        Assert.AreEqual("head", LayerPaths.Find(model, "head").Path);
    }

    [TestMethod]
    public void APathWinsOverAPlainNameOfAnInnerLayer()
    {
        var model = new CnnModel(new Sequential("net", new Conv2dLayer("conv", 1, 1, 1), new Sequential("block", new Conv2dLayer("conv", 1, 1, 1))),
            new TensorShape(1, 2, 2), []);
        Assert.AreSame(model.Network.Children[0], LayerPaths.Find(model, "conv").Layer);
    }

    [TestMethod]
    public void ASharedPlainNameAsksForAPath() =>
        ArgumentAssert.Throws(() => LayerPaths.Find(Nested(), "conv"), "name", "2 layers", "'conv'", "block1/conv (Conv2dLayer) [4, 3, 3]",
            "block2/body/conv (Conv2dLayer) [4, 3, 3]");

    [TestMethod]
    public void AnUnknownNameListsEveryLayer()
    {
        var model = Nested();
        var e = Assert.ThrowsExactly<ArgumentException>(() => LayerPaths.Find(model, "block1/pool"));
        StringAssert.Contains(e.Message, "no layer 'block1/pool'");
        foreach (var layer in LayerPaths.List(model)) StringAssert.Contains(e.Message, layer.ToString());
    }
}
