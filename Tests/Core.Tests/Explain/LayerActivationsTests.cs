using MLNet.Cnn.Explain;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Explain;

[TestClass]
public sealed class LayerActivationsTests
{
    [TestMethod]
    public void ALayerGetsWhatTheNetworkRoutesToIt()
    {
        var model = ExplainNetworks.Small();
        var net = model.Network;
        var x = TestData.Tensor(1, [2, .. ExplainNetworks.SmallImage]);
        Layer At(string path) => LayerPaths.Find(model, path).Layer;
        Tensor Run(Tensor input, params string[] paths) =>
            paths.Aggregate(input, (value, path) => Copy(At(path).Forward(value, training: false)));

        // Inside a Sequential, each layer gets the one before's output; inside a residual body, the block's input starts it.
        var relu = Run(x, "features/conv", "features/bn", "features/relu");
        AssertEqual(relu, LayerActivations.Of(model, "features/relu", x), "features/relu");
        var features = Run(relu, "features/mix");
        AssertEqual(Run(features, "block/body/conv", "block/body/bn", "block/body/tanh"), LayerActivations.Of(model, "block/body/tanh", x), "block/body/tanh");
        AssertEqual(Copy(net.Forward(x, training: false)), LayerActivations.Of(model, "fc", x), "the last layer gives the network's output");
        Assert.AreEqual(new TensorShape(2, 4, 1, 1), LayerActivations.Of(model, "gap", x).Shape);
        Assert.AreEqual(new TensorShape(2, 4), LayerActivations.Of(model, "flatten", x).Shape);
    }

    [TestMethod]
    public void TheChildrenOfAGateAndOfBranchesGetTheCompositesInput()
    {
        var stem = new Conv2dLayer("stem", 2, 3, 3, padding: 1);
        var pool = new GlobalAvgPoolLayer("pool");
        var gate = new Gate("se", new Sequential("squeeze", pool, new Conv2dLayer("fc", 3, 3, 1), new ActivationLayer("sig", new Sigmoid())));
        var branch = new Conv2dLayer("a", 3, 2, 1);
        var network = new Sequential("net", stem, gate, new Branches("split", new Identity("skip"), branch), new GlobalAvgPoolLayer("gap"));
        TestNetworks.Randomize(network);
        var model = new CnnModel(network, new(2, 5, 4), []);
        var x = TestData.Tensor(2, 3, 2, 5, 4);

        var stemOutput = Copy(stem.Forward(x, training: false));
        AssertEqual(Copy(new GlobalAvgPoolLayer("expected").Forward(stemOutput, training: false)), LayerActivations.Of(model, "se/squeeze/pool", x), "se/squeeze/pool");
        var gated = Copy(gate.Forward(stemOutput, training: false));
        AssertEqual(Copy(branch.Forward(gated, training: false)), LayerActivations.Of(model, "split/a", x), "split/a");
        AssertEqual(gated, LayerActivations.Of(model, "skip", x), "split/skip, by its plain name");
    }

    [TestMethod]
    public void TheResultIsACopyTheCallerOwns()
    {
        var model = ExplainNetworks.Small();
        var x = TestData.Tensor(3, [1, .. ExplainNetworks.SmallImage]);
        var first = LayerActivations.Of(model, "drop", x);   // dropout at inference returns its input, a buffer of the flatten before it
        var expected = first.ToArray();
        first.Clear();
        CollectionAssert.AreEqual(expected, LayerActivations.Of(model, "drop", x).ToArray(), "a second call is not disturbed by the first result");
        var held = LayerActivations.Of(model, "features/relu", x);
        var before = held.ToArray();
        LayerActivations.Of(model, "features/relu", TestData.Tensor(4, [1, .. ExplainNetworks.SmallImage]));
        model.Network.Forward(TestData.Tensor(5, [3, .. ExplainNetworks.SmallImage]), training: false);
        CollectionAssert.AreEqual(before, held.ToArray(), "later passes leave a result alone");
    }

    [TestMethod]
    public void RejectsUnknownLayersWrongImagesAndLayersInsideAnImportedGraph()
    {
        var model = ExplainNetworks.Small();
        var x = TestData.Tensor(6, [1, .. ExplainNetworks.SmallImage]);
        ArgumentAssert.Throws(() => LayerActivations.Of(model, "nope", x), "name", "no layer 'nope'", "features/relu (ActivationLayer) [4, 6, 5]");
        ArgumentAssert.Throws(() => LayerActivations.Of(model, "conv", x), "name", "2 layers", "features/conv", "block/body/conv");
        ArgumentAssert.Throws(() => LayerActivations.Of(model, "fc", TestData.Tensor(7, 1, 3, 5, 6)), "images", "[N, 3, 6, 5]", "[1, 3, 5, 6]");
        ArgumentAssert.Throws(() => LayerActivations.Of(model, "fc", TestData.Tensor(7, 3, 6, 5)), "images", "[3, 6, 5]");

        var backbone = new Sequential("backbone", new Conv2dLayer("conv", 2, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4),
            new ActivationLayer("relu", new ReLU()));
        var imported = OnnxImporter.Load(new MemoryStream(OnnxExporter.ToBytes(new CnnModel(backbone, new(2, 6, 6), []))));
        var inner = LayerPaths.Walk(imported).First(l => l.Layer is BatchNorm2dLayer).Layer.Name;
        var wrapped = new CnnModel(new Sequential("net", imported, new GlobalAvgPoolLayer("gap")), new(2, 6, 6), []);
        var image = TestData.Tensor(8, 1, 2, 6, 6);
        ArgumentAssert.Throws(() => LayerActivations.Of(wrapped, inner, image), "name", $"'{inner}'", "inside the imported ONNX network", imported.Name);
        Assert.AreEqual(new TensorShape(1, 4, 6, 6), LayerActivations.Of(wrapped, imported.Name, image).Shape, "the imported network as a whole");
        ArgumentAssert.Throws(() => LayerActivations.Of(new CnnModel(imported, new(2, 6, 6), []), inner, image), "name", "imported ONNX graph");
    }

    private static Tensor Copy(Tensor t) => Tensor.FromArray(t.ToArray(), [.. t.Shape.Dimensions]);

    private static void AssertEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.AreEqual(expected.Shape, actual.Shape, $"{what}: shape");
        Approx.AssertClose(expected.Span, actual.Span, 1e-5, what);
    }
}
