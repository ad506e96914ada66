using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Models;

[TestClass]
public sealed class ModelSummaryTests
{
    /// <summary>conv 1→2 (3×3, pad 1) on 1×4×4, ReLU, flatten, dense 32→3.</summary>
    private static Sequential Tiny() => new("tiny",
        new Conv2dLayer("conv", 1, 2, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
        new FlattenLayer("flatten"), new DenseLayer("fc", 32, 3));

    [TestMethod]
    public void CountsParametersAndMultiplyAddsOfEachLeafLayerByHand()
    {
        var summary = ModelSummary.Of(Tiny(), new TensorShape(1, 4, 4));

        CollectionAssert.AreEqual(new[] { "conv", "relu", "flatten", "fc" }, summary.Layers.Select(l => l.Path).ToArray());
        var conv = summary.Layers[0];
        Assert.AreEqual("Conv2dLayer", conv.TypeName);
        Assert.AreEqual(new TensorShape(2, 4, 4), conv.OutputShape);
        Assert.AreEqual(2 * 1 * 9 + 2, conv.Parameters);            // weights + biases
        Assert.AreEqual(2 * 1 * 9 * 16L, conv.MultiplyAdds);         // 18 weights at each of 4×4 output positions
        var fc = summary.Layers[3];
        Assert.AreEqual(new TensorShape(3), fc.OutputShape);
        Assert.AreEqual(32 * 3 + 3, fc.Parameters);
        Assert.AreEqual(32 * 3L, fc.MultiplyAdds);
        Assert.AreEqual(0, summary.Layers[1].Parameters + summary.Layers[1].MultiplyAdds);
        Assert.AreEqual("", summary.Layers[1].Trainability);
        Assert.AreEqual(119, summary.TotalParameters);
        Assert.AreEqual(119, summary.TrainableParameters);
        Assert.AreEqual(0, summary.FrozenParameters);
        Assert.AreEqual(288 + 96, summary.MultiplyAdds);
    }

    [TestMethod]
    public void CountsGroupedDilatedAndTransposedConvolutions()
    {
        var network = new Sequential("convs",
            new Conv2dLayer("grouped", 4, 4, 3, padding: 2, dilation: 2, groups: 2),   // 4×5×5 → 4×5×5
            new ConvTranspose2dLayer("up", 4, 3, 2, stride: 2, groups: 1, bias: false)); // 4×5×5 → 3×10×10
        var summary = ModelSummary.Of(network, new TensorShape(4, 5, 5));

        // Grouped: each output channel sees 4/2 input channels × 9 taps (dilation spreads them, adds none), at 25 positions.
        Assert.AreEqual(new TensorShape(4, 5, 5), summary.Layers[0].OutputShape);
        Assert.AreEqual(4 * 2 * 9 * 25L, summary.Layers[0].MultiplyAdds);
        // Transposed: each of the 4×5×5 input values is scattered through 3 × 2×2 weights.
        Assert.AreEqual(new TensorShape(3, 10, 10), summary.Layers[1].OutputShape);
        Assert.AreEqual(4 * 25 * 3 * 4L, summary.Layers[1].MultiplyAdds);
        Assert.AreEqual(4 * 3 * 4, summary.Layers[1].Parameters);
    }

    [TestMethod]
    public void ASingleLayerIsItsOwnRow()
    {
        var summary = ModelSummary.Of(new DenseLayer("fc", 5, 2), new TensorShape(5));

        Assert.AreEqual("fc", summary.Layers.Single().Path);
        Assert.AreEqual(new TensorShape(2), summary.Layers[0].OutputShape);
        Assert.AreEqual(12, summary.TotalParameters);
        Assert.AreEqual(10, summary.MultiplyAdds);
    }

    [TestMethod]
    public void AFrozenLayerShowsAsFrozenAndCountsInTheFrozenTotal()
    {
        var network = Tiny();
        foreach (var parameter in network.Children[0].Parameters) parameter.Frozen = true;
        var summary = ModelSummary.Of(network, new TensorShape(1, 4, 4));

        Assert.IsTrue(summary.Layers[0].Frozen);
        Assert.AreEqual("frozen", summary.Layers[0].Trainability);
        Assert.AreEqual("trainable", summary.Layers[3].Trainability);
        Assert.AreEqual(20, summary.FrozenParameters);
        Assert.AreEqual(99, summary.TrainableParameters);
        StringAssert.Contains(summary.ToString(), "Frozen params: 20");
    }

    [TestMethod]
    public void PrintsAnAlignedTableWithTheTotalsAtTheBottom()
    {
        var model = new CnnModel(LeNet5.Build(), new TensorShape(1, 28, 28), [.. Enumerable.Range(0, 10).Select(i => $"{i}")]);
        var summary = ModelSummary.Of(model);
        string text = summary.ToString();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        Assert.AreEqual(61_706, summary.TotalParameters);
        StringAssert.Contains(text, "Total params: 61,706");
        StringAssert.Contains(text, "Trainable params: 61,706");
        StringAssert.Contains(text, "Frozen params: 0");
        StringAssert.Contains(text, "Mult-adds: 416,520 (416.52 K)"); // 117,600 + 240,000 + 48,000 + 10,080 + 840
        // The parameter column is right-aligned: every row's count ends in the same column as the header's "Param #".
        int paramEnd = lines.Single(l => l.StartsWith("Layer (type)")).IndexOf("Param #") + "Param #".Length;
        string fc1 = lines.Single(l => l.StartsWith("fc1 (DenseLayer)"));
        Assert.AreEqual("48,120", fc1[(paramEnd - 6)..paramEnd]);
        // The totals follow the rule that closes the rows.
        Assert.AreEqual("Total params: 61,706", lines[Array.FindLastIndex(lines, l => l.StartsWith('=')) + 1]);
    }

    [TestMethod]
    public void TheLeNet5TableInTheDocsIsWhatToStringPrints()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "MLNet.Cnn.sln"))) root = root.Parent ?? throw new DirectoryNotFoundException("MLNet.Cnn.sln above the test binaries");
        string docs = File.ReadAllText(Path.Combine(root.FullName, "docs", "summary.md")).ReplaceLineEndings("\n");
        string printed = ModelSummary.Of(LeNet5.Build(), new TensorShape(1, 28, 28)).ToString().ReplaceLineEndings("\n");

        StringAssert.Contains(docs, "```text\n" + printed + "\n```");
    }

    [TestMethod]
    public void ResNet18MatchesTorchvisionsParameterCountAndMultiplyAdds()
    {
        var summary = ModelSummary.Of(ResNet.Build(18), new TensorShape(3, 224, 224));

        Assert.AreEqual(11_689_512, summary.TotalParameters); // torchvision resnet18
        // By hand: the 7×7 stem at 112², four 64→64 3×3 convolutions at 56², then each of the three later stages
        // (its first 3×3 at stride 2, three more, a 1×1 downsample) costs the same, and the 512→1000 head.
        long stem = 64L * 3 * 49 * 112 * 112, stage1 = 4 * (64L * 64 * 9 * 56 * 56);
        long stage2 = (128L * 64 * 9 + 3 * 128L * 128 * 9 + 128L * 64) * 28 * 28;
        long expected = stem + stage1 + 3 * stage2 + 512 * 1000;
        Assert.AreEqual(1_814_073_344L, expected);
        // torchvision's table lists 1.81 GFLOPS (this count); the often quoted 1.82 G (ptflops) adds batch norm, ReLU and pooling.
        Assert.AreEqual(expected, summary.MultiplyAdds);
        StringAssert.Contains(summary.ToString(), "Mult-adds: 1,814,073,344 (1.81 G)");
        Assert.AreEqual(new TensorShape(1000), summary.Layers[^1].OutputShape);
    }
}
