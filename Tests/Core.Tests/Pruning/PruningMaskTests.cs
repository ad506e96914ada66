using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Pruning.PruningNetworks;

namespace MLNet.Cnn.Tests.Pruning;

/// <summary>Pruned weights stay exactly zero through optimizer steps whose momentum and weight decay would move them.</summary>
[TestClass]
public sealed class PruningMaskTests
{
    private const int Batch = 8;

    private static Optimizer Build(string optimizer, IReadOnlyList<Parameter> parameters) => optimizer switch
    {
        "AdamW" => new AdamW(parameters, learningRate: 1e-2f) { WeightDecay = 0.1f },
        "Sgd" => new Sgd(parameters, learningRate: 0.05f, momentum: 0.9f) { WeightDecay = 1e-2f },
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer)),
    };

    [TestMethod]
    [DataRow("AdamW")]
    [DataRow("Sgd")]
    public void PrunedWeightsStayZeroAfterEveryStep(string optimizer)
    {
        var (network, pruned) = TrainPruneAndTrain(optimizer, masked: true, afterEachStep: (weights, prunedSet) =>
        {
            foreach (var (t, i) in prunedSet)
                Assert.AreEqual(0u, BitConverter.SingleToUInt32Bits(weights[t].Value.Span[i]), $"{weights[t].Name}[{i}] is +0");
        });
        Assert.AreEqual(pruned.Count, SparsityReport.Of(network).Zeros, "the masks and nothing else hold the zeros");
    }

    [TestMethod]
    [DataRow("AdamW")]
    [DataRow("Sgd")]
    public void WithoutTheMasksTheSameStepsWouldRevivePrunedWeights(string optimizer)
    {
        // The control for the test above: the momentum and moments built before pruning move pruned weights off zero.
        var (network, pruned) = TrainPruneAndTrain(optimizer, masked: false, afterEachStep: (_, _) => { });
        var weights = Weights(network, "conv1", "block/conv", "up", "fc1", "fc2");
        int revived = pruned.Count(p => weights[p.Tensor].Value.Span[p.Index] != 0);
        Assert.IsTrue(revived > pruned.Count / 2, $"{revived} of {pruned.Count} pruned weights moved");
    }

    [TestMethod]
    public void MaskGradientsZerosExactlyThePrunedGradients()
    {
        var network = Randomized();
        var pruner = new MagnitudePruner(network, new PruningOptions { KeepFirstAndLastDense = false });
        pruner.Prune(0.5);
        var weights = Weights(network, "conv1", "block/conv", "up", "fc1", "fc2");
        foreach (var w in weights) TestData.Floats(3, w.Gradient.Length).Select(g => g + 2).ToArray().CopyTo(w.Gradient.Span);   // no zero gradient
        pruner.MaskGradients();
        foreach (var w in weights)
            for (int i = 0; i < w.Value.Length; i++)
                Assert.AreEqual(w.Value.Span[i] == 0, w.Gradient.Span[i] == 0, $"{w.Name}[{i}]: the gradient is zero where the weight is pruned");
    }

    /// <summary>
    /// Five unpruned steps (so that the optimizer holds momentum for every weight), one-shot pruning to 70% of all weight
    /// layers, then ten more steps, with or without the masks: (network, pruned positions).
    /// </summary>
    private static (Layer Network, HashSet<(int Tensor, int Index)> Pruned) TrainPruneAndTrain(string optimizer, bool masked,
        Action<Parameter[], HashSet<(int Tensor, int Index)>> afterEachStep)
    {
        var network = Randomized();
        var optimizerOver = Build(optimizer, [.. network.AllParameters()]);
        var weights = Weights(network, "conv1", "block/conv", "up", "fc1", "fc2");
        var images = TestData.Tensor(11, Batch, 1, 6, 6);
        var labels = new Tensor(Batch);
        for (int n = 0; n < Batch; n++) labels.Span[n] = n % 3;
        var loss = new SoftmaxCrossEntropy();
        var gradient = new Tensor(Batch, 3);
        var pruner = new MagnitudePruner(network, new PruningOptions { KeepFirstAndLastDense = false });

        void Step(bool withMasks)
        {
            loss.Compute(network.Forward(images, training: true), labels, gradient);
            network.Backward(gradient);
            if (withMasks) pruner.MaskGradients();
            optimizerOver.Step();
            if (withMasks) pruner.ApplyMasks();
        }

        for (int s = 0; s < 5; s++) Step(withMasks: false);
        var before = weights.Select(w => w.Value.ToArray()).ToArray();
        pruner.Prune(0.7);
        var pruned = SmallestMagnitudes(before, 0.7);
        for (int s = 0; s < 10; s++)
        {
            Step(masked);
            afterEachStep(weights, pruned);
        }
        return (network, pruned);
    }
}
