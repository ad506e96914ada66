using MLNet.Cnn.Explain;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Explain;

[TestClass]
public sealed class GradCamTests
{
    /// <summary>
    /// conv → ReLU → global average pool → dense: y^c = Σ_k w_ck·mean(A^k) + b_c, so α_k = w_ck/(h·w) and Grad-CAM is the class
    /// activation map ReLU(Σ_k w_ck·A^k)/(h·w). With the object in the top-left 4×4 corner of the 8×8 image, A [2, 4, 4] is
    /// bright = 1, dark = 0 on the top-left 2×2 cells and bright = 0, dark = 1 elsewhere.
    /// </summary>
    [TestMethod]
    public void IsTheClassActivationMapForAGlobalPoolAndADenseLayer()
    {
        var model = ExplainNetworks.ClassActivationMap();
        var image = ExplainNetworks.CornerObject();

        // Object: logit 4·(4/16) − 12/16 + 0.25 = 0.5; background: −4/16 + 2·12/16 − 0.25 = 1, the prediction.
        var background = GradCam.Compute(model, image);
        Assert.AreEqual("relu", background.LayerPath, "the last layer with maps of more than one position");
        Assert.AreEqual(1, background.ClassIndex);
        Assert.AreEqual("background", background.ClassName);
        Assert.AreEqual(1.0, background.Logit, 1e-6);
        Assert.AreEqual(Math.Exp(1) / (Math.Exp(0.5) + Math.Exp(1)), background.Probability, 1e-6);
        Approx.AssertClose([-1 / 16.0, 2 / 16.0], [.. background.ChannelWeights], 1e-7, "α = w_c/(h·w)");
        // ReLU(−bright + 2·dark)/16: 0 on the object, 2/16 elsewhere.
        Approx.AssertClose(Cells((y, x) => y < 2 && x < 2 ? 0 : 2 / 16.0), background.Map.Span, 1e-7, "background map", background.Map.Shape);

        var obj = GradCam.Compute(model, image, classIndex: 0);
        Assert.AreEqual(0, obj.ClassIndex);
        Assert.AreEqual("object", obj.ClassName);
        Assert.AreEqual(0.5, obj.Logit, 1e-6);
        Assert.AreEqual(Math.Exp(0.5) / (Math.Exp(0.5) + Math.Exp(1)), obj.Probability, 1e-6);
        Assert.AreEqual(new TensorShape(4, 4), obj.Map.Shape);
        // ReLU(4·bright − dark)/16: 4/16 on the object, ReLU(−1)/16 = 0 elsewhere.
        Approx.AssertClose(Cells((y, x) => y < 2 && x < 2 ? 0.25 : 0), obj.Map.Span, 1e-7, "object map", obj.Map.Shape);
        AssertIsClassActivationMap(model, image, obj);
        AssertIsClassActivationMap(model, image, background);

        // Half-pixel bilinear from 4 to 8 samples at s = max(i/2 − 1/4, 0): along an axis the object's share is
        // r = 1, 1, 1, 3/4, 1/4, 0, 0, 0, so the heatmap is r(y)·r(x) (its maximum is 1 already), and 1 − r(y)·r(x) for the background.
        double[] r = [1, 1, 1, 0.75, 0.25, 0, 0, 0];
        Assert.AreEqual(new TensorShape(8, 8), obj.Heatmap.Shape);
        Approx.AssertClose(Pixels((y, x) => r[y] * r[x]), obj.Heatmap.Span, 1e-6, "object heatmap", obj.Heatmap.Shape);
        Approx.AssertClose(Pixels((y, x) => 1 - r[y] * r[x]), background.Heatmap.Span, 1e-6, "background heatmap", background.Heatmap.Shape);
    }

    [TestMethod]
    public void AnAllZeroMapStaysZero()
    {
        var model = ExplainNetworks.ClassActivationMap();
        // An all-dark image: bright = 0 and dark = 1 everywhere, and the object class weighs dark by −1.
        var result = GradCam.Compute(model, new Tensor(1, 8, 8), classIndex: 0);
        Assert.IsTrue(result.Map.ToArray().All(v => v == 0) && result.Heatmap.ToArray().All(v => v == 0), "zero, not NaN");
    }

    [TestMethod]
    public void ChannelWeightsAreTheMeanGradientOfTheLogitAtInference()
    {
        var model = ExplainNetworks.Small();
        var image = TestData.Tensor(20, ExplainNetworks.SmallImage);
        var batch = image.Reshape([1, .. ExplainNetworks.SmallImage]);
        var inference = model.Network.Forward(batch, training: false).ToArray();
        foreach (var (layer, classIndex) in new (string?, int?)[] { ("features/relu", 2), (null, null), ("block", 0) })
        {
            var result = GradCam.Compute(model, image, classIndex, layer);
            int c = result.ClassIndex;
            Assert.AreEqual(classIndex ?? Array.IndexOf(inference, inference.Max()), c, "the class asked for, or the predicted one");
            Assert.AreEqual(inference[c], result.Logit, 1e-5, "the logit at inference");

            // Σ_ij ∂y^c/∂A^k_ij = d/dt_k y^c(A + t_k on channel k) = h·w·α_k, with the rest of the network run at inference.
            var activations = LayerActivations.Of(model, result.LayerPath, batch);
            var rest = Rest(model, result.LayerPath);
            int channels = activations.Shape[1], positions = activations.Shape[2] * activations.Shape[3];
            double[] Logit(double[] shift)
            {
                var shifted = Tensor.FromArray(activations.ToArray(), [.. activations.Shape.Dimensions]);
                for (int k = 0; k < channels; k++)
                    foreach (ref float v in shifted.Span.Slice(k * positions, positions)) v += (float)shift[k];
                return [rest.Forward(shifted, training: false).Span[c]];
            }
            GradientCheck.AssertMatchesFiniteDifferences($"Grad-CAM at {result.LayerPath}: h·w·α", new double[channels], Logit,
                g => [.. result.ChannelWeights.Select(a => g[0] * positions * a)], step: 1e-2, tolerance: 1e-3);

            var expectedMap = Enumerable.Range(0, positions)
                .Select(p => Math.Max(0, Enumerable.Range(0, channels).Sum(k => (double)result.ChannelWeights[k] * activations.Span[k * positions + p])))
                .ToArray();
            Approx.AssertClose(expectedMap, result.Map.Span, 1e-6, "map = ReLU(Σ α_k·A^k)");
        }
        Assert.AreEqual("silu", GradCam.Compute(model, image).LayerPath, "the default layer: the last with maps of more than one position");
    }

    [TestMethod]
    public void LeavesTheNetworkExactlyAsItWas()
    {
        var model = ExplainNetworks.Small();
        var network = model.Network;
        // A training step first: gradients that matter, moved statistics, a dropout draw; then settings a run may have.
        var x = TestData.Tensor(30, [4, .. ExplainNetworks.SmallImage]);
        var y = network.Forward(x, training: true);
        network.Backward(TestData.Tensor(31, y.Shape));
        var frozen = (BatchNorm2dLayer)LayerPaths.Find(model, "block/body/bn2").Layer;
        frozen.UseRunningStatistics = true;
        network.InputGradientNeeded = false;
        var before = State(network);
        var output = network.Forward(x, training: false).ToArray();

        var image = TestData.Tensor(32, ExplainNetworks.SmallImage);
        GradCam.Compute(model, image);
        GradCam.Compute(model, image, 1, "features/relu");
        GradCam.Compute(model, image, 0, "features");
        LayerActivations.Of(model, "block/body/tanh", x);
        TopActivations.Find(model, "block", 1, [image, image], k: 1);

        var after = State(network);
        Assert.AreEqual(before.Count, after.Count);
        foreach (var ((name, saved), (_, now)) in before.Zip(after))
            CollectionAssert.AreEqual(saved, now, name);
        CollectionAssert.AreEqual(output, network.Forward(x, training: false).ToArray(), "the same inference output");
    }

    [TestMethod]
    public void RejectsWhatItCannotExplain()
    {
        var model = ExplainNetworks.Small();
        var image = TestData.Tensor(40, ExplainNetworks.SmallImage);
        ArgumentAssert.Throws(() => GradCam.Compute(model, image, layer: "nope"), "name", "no layer 'nope'");
        ArgumentAssert.Throws(() => GradCam.Compute(model, image, layer: "fc"), "layer", "'fc'", "gives [3] per image",
            "can explain at: features [4, 6, 5], features/conv [4, 6, 5]", "block [4, 6, 5], silu [4, 6, 5], gap [4, 1, 1]");
        ArgumentAssert.Throws(() => GradCam.Compute(model, image, layer: "block/body/tanh"), "layer", "'block/body/tanh'",
            "inside a container other than Sequential", "silu [4, 6, 5]");
        foreach (int c in new[] { 3, -1 })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GradCam.Compute(model, image, c));
            Assert.AreEqual("classIndex", e.ParamName);
            StringAssert.Contains(e.Message, "3 classes");
        }
        ArgumentAssert.Throws(() => GradCam.Compute(model, TestData.Tensor(41, 3, 5, 6)), "image", "[3, 6, 5]", "[3, 5, 6]");
        ArgumentAssert.Throws(() => GradCam.Compute(model, TestData.Tensor(41, [1, .. ExplainNetworks.SmallImage])), "image", "[1, 3, 6, 5]");

        var maps = new CnnModel(new Sequential("segmenter", new Conv2dLayer("conv", 3, 2, 1)), new(ExplainNetworks.SmallImage), []);
        ArgumentAssert.Throws(() => GradCam.Compute(maps, image), "model", "classifier", "[2, 6, 5]");
        var softmax = new CnnModel(new Sequential("net", new Conv2dLayer("conv", 3, 2, 1), new GlobalAvgPoolLayer("gap"), new FlattenLayer("flatten"),
            new SoftmaxLayer("probabilities")), new(ExplainNetworks.SmallImage), []);
        ArgumentAssert.Throws(() => GradCam.Compute(softmax, image), "model", "before softmax", "'probabilities'");
        var noMaps = new CnnModel(new Sequential("mlp", new FlattenLayer("flatten"), new DenseLayer("fc", 90, 2)), new(ExplainNetworks.SmallImage), []);
        ArgumentAssert.Throws(() => GradCam.Compute(noMaps, image), "model", "no layer Grad-CAM can explain at");
    }

    [TestMethod]
    public void TheDefaultLayerOfAResNetIsItsLastStage()
    {
        var model = new CnnModel(ResNet.Build(18, classes: 10), new(3, 64, 64), []);
        Assert.AreEqual("layer4", GradCam.DefaultLayer(model).Path);
        CollectionAssert.IsSubsetOf(new[] { "layer4", "layer4/layer4.1", "layer3/layer3.0", "maxpool" }, GradCam.Layers(model).Select(l => l.Path).ToArray());
        // A block is Sequential(Residual(body, shortcut), ReLU): the residual as a whole, not the layers of its body.
        CollectionAssert.Contains(GradCam.Layers(model).Select(l => l.Path).ToArray(), "layer4/layer4.1/layer4.1.residual");
        Assert.IsFalse(GradCam.Layers(model).Any(l => l.Path.Contains(".residual/", StringComparison.Ordinal)), "nothing inside a residual");
    }

    /// <summary>Σ_k w_ck·A^k/(h·w) after ReLU, from the dense weights and the ReLU's activations.</summary>
    private static void AssertIsClassActivationMap(CnnModel model, Tensor image, GradCamResult result)
    {
        var a = LayerActivations.Of(model, "relu", image.Reshape(1, 1, 8, 8)).ToArray();
        var w = ((DenseLayer)LayerPaths.Find(model, "fc").Layer).Weight.Value.ToArray();
        int c = result.ClassIndex;
        var cam = Enumerable.Range(0, 16).Select(p => Math.Max(0, (w[c * 2] * a[p] + w[c * 2 + 1] * a[16 + p]) / 16.0)).ToArray();
        Approx.AssertClose(cam, result.Map.Span, 1e-7, $"class activation map of class {result.ClassIndex}");
    }

    private static double[] Cells(Func<int, int, double> value) => [.. Enumerable.Range(0, 16).Select(i => value(i / 4, i % 4))];

    private static double[] Pixels(Func<int, int, double> value) => [.. Enumerable.Range(0, 64).Select(i => value(i / 8, i % 8))];

    /// <summary>The layers after <paramref name="path"/>, a chain, as their own network (the same layer objects).</summary>
    private static Sequential Rest(CnnModel model, string path)
    {
        var names = path.Split(LayerPaths.Separator);
        Layer parent = model.Network;
        var levels = new List<Layer[]>();
        foreach (var name in names)
        {
            var children = parent.Children.ToList();
            int index = children.FindIndex(c => c.Name == name);
            levels.Add([.. children.Skip(index + 1)]);
            parent = children[index];
        }
        levels.Reverse();
        return new Sequential("rest", [.. levels.Where(l => l.Length > 0).Select((l, i) => new Sequential($"rest{i}", l))]);
    }

    /// <summary>Everything a pass could change: parameter values and gradients, buffers, dropout draws, settings.</summary>
    private static List<(string Name, float[] Values)> State(Layer network)
    {
        var state = new List<(string, float[])>();
        foreach (var p in network.AllParameters()) state.AddRange([(p.Name, p.Value.ToArray()), ($"{p.Name} gradient", p.Gradient.ToArray())]);
        foreach (var (name, value) in network.AllBuffers()) state.Add((name, value.ToArray()));
        foreach (var (path, layer) in LayerPaths.Walk(network).Prepend(("", network)))
        {
            if (layer is ICountedDraws counted) state.Add(($"{path} draws", [counted.Draws]));
            if (layer is IInferenceBehaviour switched) state.Add(($"{path} inference behaviour", [switched.BehaveAsInference ? 1 : 0]));
            state.Add(($"{path} input gradient needed", [layer.InputGradientNeeded ? 1 : 0]));
        }
        return state;
    }
}
