using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Pruning.PruningNetworks;

namespace MLNet.Cnn.Tests.Pruning;

/// <summary>Which weights one-shot magnitude pruning removes, checked against sorting all magnitudes.</summary>
[TestClass]
public sealed class MagnitudePruningTests
{
    private static readonly string[] AllWeightLayers = ["conv1", "block/conv", "up", "fc1", "fc2"];

    [TestMethod]
    [DataRow(PruningScope.Global, 0.37)]
    [DataRow(PruningScope.Global, 0.8)]
    [DataRow(PruningScope.PerLayer, 0.37)]
    [DataRow(PruningScope.PerLayer, 0.8)]
    public void PrunesExactlyTheSmallestMagnitudes(PruningScope scope, double sparsity)
    {
        var network = Randomized();
        var weights = Weights(network, AllWeightLayers);
        var before = weights.Select(w => w.Value.ToArray()).ToArray();

        MagnitudePruning.Prune(network, sparsity, new PruningOptions { Scope = scope, KeepFirstAndLastDense = false });

        var expected = scope == PruningScope.Global
            ? SmallestMagnitudes(before, sparsity)
            : [.. before.SelectMany((values, t) => SmallestMagnitudes([values], sparsity).Select(p => (t, p.Index)))];
        AssertPrunedExactly(expected, before, weights);
    }

    [TestMethod]
    public void GlobalAndPerLayerScopesPruneDifferentLayersDifferently()
    {
        // A global threshold takes more from the layer whose weights are small: scale conv1's down.
        double[] LayerSparsities(PruningScope scope)
        {
            var network = Randomized();
            var conv1 = Weights(network, "conv1")[0].Value.Span;
            for (int i = 0; i < conv1.Length; i++) conv1[i] *= 0.01f;
            return [.. MagnitudePruning.Prune(network, 0.5, new PruningOptions { Scope = scope, KeepFirstAndLastDense = false }).Layers.Select(l => l.Sparsity)];
        }
        var global = LayerSparsities(PruningScope.Global);
        var perLayer = LayerSparsities(PruningScope.PerLayer);
        Assert.AreEqual(1.0, global[0], "conv1's tiny weights all fall below the global threshold");
        foreach (double s in perLayer) Assert.AreEqual(0.5, s, "every layer at the target (all have an even number of weights)");
    }

    [TestMethod]
    [DataRow(PruningScope.Global)]
    [DataRow(PruningScope.PerLayer)]
    public void TiesAtTheThresholdGoToTheEarlierWeightsAndTheCountIsExact(PruningScope scope)
    {
        var network = Randomized();
        var weights = Weights(network, AllWeightLayers);
        // Magnitudes 0.25, 0.5, 0.75 only, both signs: the threshold falls inside a run of hundreds of equal values.
        foreach (var w in weights)
        {
            var span = w.Value.Span;
            for (int i = 0; i < span.Length; i++) span[i] = (i % 3 + 1) * 0.25f * (i % 2 == 0 ? 1 : -1);
        }
        var before = weights.Select(w => w.Value.ToArray()).ToArray();
        const double sparsity = 0.5;

        MagnitudePruning.Prune(network, sparsity, new PruningOptions { Scope = scope, KeepFirstAndLastDense = false });

        var expected = scope == PruningScope.Global
            ? SmallestMagnitudes(before, sparsity)
            : [.. before.SelectMany((values, t) => SmallestMagnitudes([values], sparsity).Select(p => (t, p.Index)))];
        AssertPrunedExactly(expected, before, weights);
        int n = before.Sum(v => v.Length);
        Assert.IsTrue(before.SelectMany(v => v).Count(v => Math.Abs(v) == 0.5f) > 0.1 * n, "the threshold value 0.5 is shared by many weights");
    }

    [TestMethod]
    [DataRow(0.25, 2)]   // s·n = 2.5 → 2: half to even, as PyTorch's round(amount·n)
    [DataRow(0.35, 4)]   // 3.5 → 4
    [DataRow(0.45, 4)]   // 4.5 → 4
    [DataRow(0.75, 8)]   // 7.5 → 8
    [DataRow(0.04, 0)]
    public void TheCountIsRoundedAsPyTorchRoundsIt(double sparsity, int expectedZeros)
    {
        var network = new Sequential("net", new DenseLayer("fc", 2, 5));
        float[] distinct = [0.3f, -0.9f, 0.1f, 0.7f, -0.2f, 0.5f, -0.6f, 0.8f, 0.4f, -1f];
        distinct.CopyTo(Weights(network, "fc")[0].Value.Span);
        var report = MagnitudePruning.Prune(network, sparsity, new PruningOptions { KeepFirstAndLastDense = false });
        Assert.AreEqual(expectedZeros, report.Zeros);
    }

    [TestMethod]
    public void FirstAndLastLayersBiasesNormalizationAndSlopesStayUntouched()
    {
        var network = Randomized();
        var before = Values(network);
        var pruner = new MagnitudePruner(network);
        pruner.Prune(0.9);

        CollectionAssert.AreEqual(new[] { "block/conv", "up", "fc1" }, pruner.PrunedLayers.ToArray());
        var after = Values(network);
        string[] pruned = ["conv.weight", "up.weight", "fc1.weight"];
        foreach (var (name, values) in before.Where(v => !pruned.Contains(v.Key)))
            CollectionAssert.AreEqual(values, after[name], $"{name} must not change");
        foreach (string name in pruned) Assert.IsTrue(after[name].Contains(0f), $"{name} is pruned");
        Assert.AreEqual(Math.Round(0.9 * (216 + 36 + 3456)), pruned.Sum(name => after[name].Count(v => v == 0)), "the sparsity counts the pruned layers only");
    }

    [TestMethod]
    [DataRow("block", new[] { "up", "fc1" })]           // a block: every weight layer inside it
    [DataRow("block/conv", new[] { "up", "fc1" })]      // a path
    [DataRow("up", new[] { "block/conv", "fc1" })]      // a plain name no other layer has
    public void KeepDenseLeavesTheNamedLayersDense(string keep, string[] prunedLayers)
    {
        var network = Randomized();
        var pruner = new MagnitudePruner(network, new PruningOptions { KeepDense = [keep] });
        pruner.Prune(0.5);
        CollectionAssert.AreEqual(prunedLayers, pruner.PrunedLayers.ToArray());
        var report = SparsityReport.Of(network);
        foreach (var layer in report.Layers)
            Assert.AreEqual(prunedLayers.Contains(layer.Name), layer.Zeros > 0, $"{layer.Name}: {layer.Zeros} zeros");
    }

    [TestMethod]
    public void AGrowingSparsityNeverRevivesAPrunedWeight()
    {
        var network = Randomized();
        var pruner = new MagnitudePruner(network, new PruningOptions { KeepFirstAndLastDense = false });
        pruner.Prune(0.3);
        var first = PrunedPositions(network, pruner);
        // Kept weights that reach exactly zero tie with the pruned ones at magnitude 0 and come earlier in the network;
        // the masks must still keep the weights pruned before, not trade them for these.
        foreach (var w in Weights(network, AllWeightLayers))
        {
            var span = w.Value.Span;
            for (int i = 0; i < span.Length; i += 7) span[i] = 0;
        }
        pruner.Prune(0.3);
        CollectionAssert.AreEquivalent(first.ToList(), PrunedPositions(network, pruner).ToList(), "the same sparsity keeps the same masks");
        pruner.Prune(0.6);
        var grown = PrunedPositions(network, pruner);
        Assert.IsTrue(first.IsSubsetOf(grown), "every weight pruned at 30% stays pruned at 60%");
        Assert.AreEqual(0.6, pruner.Sparsity, 1e-3);
    }

    [TestMethod]
    public void TheReportCountsZerosPerWeightLayer()
    {
        var network = Randomized();
        Weights(network, "fc2")[0].Value.Span[..5].Clear();
        var report = SparsityReport.Of(network);
        CollectionAssert.AreEqual(AllWeightLayers, report.Layers.Select(l => l.Name).ToArray());
        CollectionAssert.AreEqual(new long[] { 36, 216, 36, 3456, 48 }, report.Layers.Select(l => l.Weights).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 5 }, report.Layers.Select(l => l.Zeros).ToArray());
        Assert.AreEqual(5.0 / 48, report.Layers[^1].Sparsity, 1e-12);
        Assert.AreEqual((36 + 216 + 36 + 3456 + 48, 5L), (report.Weights, report.Zeros));
        string table = report.ToString();
        foreach (string part in new[] { "block/conv", "fc2", "total", "sparsity" }) StringAssert.Contains(table, part);
    }

    [TestMethod]
    public void BadSettingsGiveClearErrors()
    {
        var network = Randomized();
        ArgumentAssert.Throws(() => MagnitudePruning.Prune(network, 1.0), "sparsity", "[0, 1)", "1");
        ArgumentAssert.Throws(() => MagnitudePruning.Prune(network, -0.1), "sparsity", "[0, 1)");
        ArgumentAssert.Throws(() => new MagnitudePruner(network, new PruningOptions { KeepDense = ["nope"] }), "KeepDense",
            "'nope'", "no layer", "block/conv (Conv2dLayer)", "fc2 (DenseLayer)");
        ArgumentAssert.Throws(() => new MagnitudePruner(network, new PruningOptions { KeepDense = ["relu1"] }), "KeepDense",
            "'relu1'", "no weights");
        var twoBlocks = new Sequential("net",
            new Sequential("a", new Conv2dLayer("conv", 1, 2, 3)), new Sequential("b", new Conv2dLayer("conv", 2, 2, 3)),
            new FlattenLayer("flatten"), new DenseLayer("fc", 8, 2));
        ArgumentAssert.Throws(() => new MagnitudePruner(twoBlocks, new PruningOptions { KeepDense = ["conv"] }), "KeepDense",
            "2 layers", "a/conv, b/conv", "by its path");
        var twoLayers = new Sequential("net", new Conv2dLayer("conv", 1, 2, 3), new FlattenLayer("flatten"), new DenseLayer("fc", 8, 2));
        ArgumentAssert.Throws(() => new MagnitudePruner(twoLayers), "options", "nothing is left to prune", "KeepFirstAndLastDense = false");
        ArgumentAssert.Throws(() => new MagnitudePruner(new Sequential("net", new FlattenLayer("flatten"))), "network", "no convolution or dense layer");
    }

    /// <summary>The pruned positions are exactly <paramref name="expected"/> (as +0), and every other weight kept its value.</summary>
    private static void AssertPrunedExactly(HashSet<(int Tensor, int Index)> expected, float[][] before, Parameter[] weights)
    {
        int zeros = 0;
        for (int t = 0; t < weights.Length; t++)
        {
            var after = weights[t].Value.ToArray();
            for (int i = 0; i < after.Length; i++)
            {
                if (expected.Contains((t, i)))
                {
                    Assert.AreEqual(0u, BitConverter.SingleToUInt32Bits(after[i]), $"{weights[t].Name}[{i}] (was {before[t][i]}) is pruned to +0");
                    zeros++;
                }
                else Assert.AreEqual(before[t][i], after[i], $"{weights[t].Name}[{i}] is kept");
            }
        }
        Assert.AreEqual(expected.Count, zeros);
    }

    /// <summary>The positions the pruner's masks prune, read through <see cref="MagnitudePruner.MaskGradients"/> on gradients of ones.</summary>
    private static HashSet<(string, int)> PrunedPositions(Layer network, MagnitudePruner pruner)
    {
        var weights = Weights(network, AllWeightLayers);
        foreach (var w in weights) w.Gradient.Span.Fill(1);
        pruner.MaskGradients();
        return [.. weights.SelectMany(w => w.Gradient.ToArray().Select((g, i) => (w.Name, i, g)).Where(x => x.g == 0).Select(x => (x.Name, x.i)))];
    }
}
