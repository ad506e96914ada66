using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Training;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Tests.Transfer;

/// <summary>Transfer learning from the core alone (the ML.NET trainer's tests cover it through pipelines).</summary>
[TestClass]
public sealed class TransferLearningTests
{
    private static CnnModel Backbone()
    {
        var network = new Sequential("net",
            new Sequential("block1", new Conv2dLayer("conv", 1, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU())),
            new Sequential("block2", new Conv2dLayer("conv", 4, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU())),
            new Sequential("classifier", new FlattenLayer("flatten"), new DenseLayer("fc", 4 * 6 * 6, 5)));
        Initializer.Initialize(network, 1);
        return new CnnModel(network, new TensorShape(1, 6, 6), ["a", "b", "c", "d", "e"], new Normalization([0.5f], [0.25f]));
    }

    [TestMethod]
    public void AFrozenBackboneStaysAsItIsAndTheHeadLearns()
    {
        var backbone = Backbone();
        var before = backbone.Network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();
        var log = new List<string>();
        var transfer = new TransferLearning(TransferBackbone.FromModel(backbone), "block2", TransferPolicy.FreezeAll, new TransferHead { Hidden = 8 });
        Assert.AreEqual(2, transfer.KeptBlocks);
        var (model, result) = transfer.Fit(TrainerTests.Stripes(300, 1), TrainerTests.Stripes(90, 2), new TrainerOptions { Epochs = 8, BatchSize = 30, LearningRate = 1e-2f }, log.Add);

        CollectionAssert.AreEqual(before, backbone.Network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray(), "the caller's backbone is untouched");
        var kept = model.Network.Children.Take(2).SelectMany(b => b.AllParameters()).SelectMany(p => p.Value.ToArray()).ToArray();
        CollectionAssert.AreEqual(before.Take(kept.Length).ToArray(), kept, "frozen blocks keep the backbone's weights");
        CollectionAssert.AreEqual(new[] { "block1", "block2", "head" }, model.Network.Children.Select(c => c.Name).ToArray());
        Assert.AreEqual(backbone.Normalization, model.Normalization, "the model keeps the backbone's normalization");
        StringAssert.Contains(string.Join("\n", log), "computed once");
        Assert.IsTrue(result.Epochs[^1].ValidationAccuracy > 0.9, $"validation accuracy {result.Epochs[^1].ValidationAccuracy}");
    }

    [TestMethod]
    public void BadCutsPoliciesAndHeadsAreRefusedBeforeTraining()
    {
        var backbone = TransferBackbone.FromModel(Backbone());
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => new TransferLearning(backbone, "block3", TransferPolicy.FreezeAll, new TransferHead()));
        StringAssert.Contains(unknown.Message, "block1");
        Assert.ThrowsExactly<ArgumentException>(() => new TransferLearning(backbone, "block1", TransferPolicy.FreezeFirst(2), new TransferHead()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TransferLearning(backbone, null, TransferPolicy.FreezeAll, new TransferHead { Dropout = 1 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TransferLearning(backbone, null, TransferPolicy.FreezeAll, new TransferHead { Hidden = -1 }));
    }
}
