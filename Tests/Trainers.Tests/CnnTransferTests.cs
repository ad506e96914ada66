using MLNet.Cnn.Transfer;
using MLNet.Cnn.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// The transfer trainer on a synthetic task: a small conv net is pretrained with the core on which of three bands holds
/// a bright row (top, middle, bottom of 1×8×8 images), with a normalization of its own; it is then transferred to a
/// related task, whether the bright row is in the upper or the lower half.
/// </summary>
[TestClass]
public sealed class CnnTransferTests
{
    private const int Side = 8, Pixels = Side * Side;
    private static readonly Normalization Norm = new([0.3f], [0.5f]);
    private static readonly Lazy<CnnModel> Pretrained = new(Pretrain);

    public sealed class Image
    {
        [VectorType(Pixels)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    /// <summary>Images with one bright row on noise; the label is "upper" or "lower" (row &lt; 4 or not).</summary>
    private static List<Image> Halves(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Image>();
        for (int i = 0; i < count; i++)
        {
            var pixels = SyntheticImages.Noise(random, Pixels);
            int row = random.Next(Side);
            SyntheticImages.BrightRow(pixels, Side, row);
            rows.Add(new Image { Features = pixels, Label = row < Side / 2 ? "upper" : "lower" });
        }
        return rows;
    }

    /// <summary>Four top-level blocks (conv, conv + batch norm, flatten, dense), pretrained with the core on normalized stripes.</summary>
    private static CnnModel Pretrain()
    {
        var network = new Sequential("backbone",
            new Sequential("block1", new Conv2dLayer("conv", 1, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU())),
            new Sequential("block2", new Conv2dLayer("conv", 4, 4, 3, padding: 1), new BatchNorm2dLayer("bn", 4), new ActivationLayer("relu", new ReLU())),
            new FlattenLayer("flatten"),
            new DenseLayer("fc", 4 * Pixels, 3));
        Initializer.Initialize(network, 7);
        var stripes = CnnMulticlassTests.Stripes(600, 11);
        var data = new ImageDataset(stripes.SelectMany(s => s.Features.Select(x => (x - 0.3f) / 0.5f)).ToArray(),
            stripes.Select(s => s.Label switch { "top" => 0, "middle" => 1, _ => 2 }).ToArray(), 1, Side, Side, ["top", "middle", "bottom"]);
        Trainer.Fit(network, data, null, new TrainerOptions { Epochs = 3, BatchSize = 32, Seed = 3 });
        return new CnnModel(network, new TensorShape(1, Side, Side), ["top", "middle", "bottom"], Norm);
    }

    private static CnnTransferOptions Options(TransferPolicy policy, string? featureLayer = "block2", CnnModel? backbone = null) => new()
    {
        Backbone = backbone ?? Pretrained.Value, FeatureLayer = featureLayer, Policy = policy, Epochs = 4, BatchSize = 32, LearningRate = 3e-3f,
    };

    private static (MLContext Ml, ITransformer Model, CnnPredictionTransformer Cnn, IDataView Test) Fit(CnnTransferOptions options,
        int count = 400, List<string>? log = null)
    {
        var ml = new MLContext(seed: 1);
        if (log is not null) ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.CnnTransfer(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Halves(count, 1)));
        return (ml, model, CnnPredictionTransformer.Find(model)!, ml.Data.LoadFromEnumerable(Halves(200, 2)));
    }

    /// <summary>Every parameter and buffer value of a block, in a stable order.</summary>
    private static float[] State(Layer block) =>
        block.AllParameters().SelectMany(p => p.Value.ToArray()).Concat(block.AllBuffers().SelectMany(b => b.Value.ToArray())).ToArray();

    private static Layer Block(CnnModel model, string name) => model.Network.Children.Single(c => c.Name == name);

    private static bool Same(float[] a, float[] b) => a.Length == b.Length && a.Zip(b).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second));

    private static double Accuracy(MLContext ml, ITransformer model, IDataView test) =>
        ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;

    private static float[][] Scores(IDataView data) =>
        data.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

    [TestMethod]
    public void AGeometryOtherThanTheBackbonesIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(
            Options(TransferPolicy.FreezeAll) with { Channels = 3, Height = 32, Width = 32 }));
        StringAssert.Contains(e.Message, "3×32×32");
        var side = Pretrained.Value.InputShape[1];
        ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeAll) with { Channels = 1, Height = side, Width = side });
    }

    [TestMethod]
    public void FreezeAllLeavesTheBackboneBitIdenticalAndTrainsTheHead()
    {
        var backbone = Pretrained.Value;
        var before = new[] { State(Block(backbone, "block1")), State(Block(backbone, "block2")) };
        var log = new List<string>();
        var (ml, model, cnn, test) = Fit(Options(TransferPolicy.FreezeAll), log: log);
        Assert.IsTrue(Same(before[0], State(Block(cnn.Model, "block1"))));
        Assert.IsTrue(Same(before[1], State(Block(cnn.Model, "block2"))), "batch-norm statistics included");
        Assert.IsTrue(Same(before[1], State(Block(backbone, "block2"))), "the caller's backbone is untouched");
        Assert.IsTrue(log.Any(l => l.Contains("computed once and cached")), "frozen features are cached");
        CollectionAssert.AreEqual(new[] { "block1", "block2", "head" }, cnn.Model.Network.Children.Select(c => c.Name).ToArray());
        var epochs = cnn.Training.Epochs;
        Assert.IsTrue(epochs[^1].Loss < epochs[0].Loss, $"loss {epochs[0].Loss} → {epochs[^1].Loss}");
        double accuracy = Accuracy(ml, model, test);
        Assert.IsTrue(accuracy > 0.85, $"accuracy {accuracy}");
    }

    [TestMethod]
    public void FreezeAllWithAugmentationRunsTheFrozenBackboneInInferenceMode()
    {
        var before = State(Block(Pretrained.Value, "block2"));
        var options = Options(TransferPolicy.FreezeAll);
        var (_, _, cnn, _) = Fit(new CnnTransferOptions
        {
            Backbone = options.Backbone, FeatureLayer = "block2", Policy = TransferPolicy.FreezeAll, Epochs = 2, BatchSize = 32,
            Augmentation = new HorizontalFlip(),
        });
        Assert.IsTrue(Same(before, State(Block(cnn.Model, "block2"))));
    }

    [TestMethod]
    public void FreezeFirstKeepsExactlyTheFirstBlocks()
    {
        var backbone = Pretrained.Value;
        var (_, _, cnn, _) = Fit(Options(TransferPolicy.FreezeFirst(1)));
        Assert.IsTrue(Same(State(Block(backbone, "block1")), State(Block(cnn.Model, "block1"))));
        Assert.IsFalse(Same(State(Block(backbone, "block2")), State(Block(cnn.Model, "block2"))));
        Assert.IsTrue(cnn.Model.Network.AllParameters().All(p => !p.Frozen), "flags are cleared after training");
    }

    [TestMethod]
    public void FineTuneAllChangesEveryBlock()
    {
        var backbone = Pretrained.Value;
        var before = State(Block(backbone, "block1"));
        var (_, _, cnn, _) = Fit(Options(TransferPolicy.FineTuneAll));
        Assert.IsFalse(Same(before, State(Block(cnn.Model, "block1"))));
        Assert.IsFalse(Same(State(Block(backbone, "block2")), State(Block(cnn.Model, "block2"))));
        Assert.IsTrue(Same(before, State(Block(backbone, "block1"))), "the caller's backbone is untouched");
    }

    [TestMethod]
    public void AutoChoosesByTrainingSetSizeAndLogsTheChoice()
    {
        Assert.AreEqual(TransferPolicy.FreezeAll, TransferPolicy.Auto.Choose(1_999, 4));
        Assert.AreEqual(TransferPolicy.FreezeFirst(2), TransferPolicy.Auto.Choose(2_000, 4));
        Assert.AreEqual(TransferPolicy.FreezeFirst(2), TransferPolicy.Auto.Choose(19_999, 3));
        Assert.AreEqual(TransferPolicy.FineTuneAll, TransferPolicy.Auto.Choose(20_000, 4));
        Assert.AreEqual(TransferPolicy.FreezeFirst(1), TransferPolicy.FreezeFirst(1).Choose(50_000, 4), "explicit policies stay");

        var log = new List<string>();
        var backbone = Pretrained.Value;
        var (_, _, cnn, _) = Fit(Options(TransferPolicy.Auto), count: 300, log: log);
        Assert.IsTrue(log.Any(l => l.Contains("policy FreezeAll (Auto: 300 training images")), string.Join("\n", log));
        Assert.IsTrue(Same(State(Block(backbone, "block2")), State(Block(cnn.Model, "block2"))));

        log.Clear();
        var (_, _, medium, _) = Fit(Options(TransferPolicy.Auto), count: 2_100, log: log);
        Assert.IsTrue(log.Any(l => l.Contains("policy FreezeFirst(1) (Auto: 2,100 training images")), string.Join("\n", log));
        Assert.IsTrue(Same(State(Block(backbone, "block1")), State(Block(medium.Model, "block1"))));
        Assert.IsFalse(Same(State(Block(backbone, "block2")), State(Block(medium.Model, "block2"))));
    }

    [TestMethod]
    public void ScoresAreTheCoreNetworkOnNormalizedPixels()
    {
        var (_, model, cnn, test) = Fit(Options(TransferPolicy.FineTuneAll));
        Assert.AreEqual(Norm, cnn.Model.Normalization);
        var images = test.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
        var input = Tensor.FromArray(images.SelectMany(i => i.Select(x => (x - 0.3f) / 0.5f)).ToArray(), images.Length, 1, Side, Side);
        var logits = cnn.Model.Network.Forward(input, training: false).ToArray();
        var scores = Scores(model.Transform(test));
        for (int i = 0; i < images.Length; i++)
        {
            var z = logits[(i * 2)..(i * 2 + 2)];
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            for (int k = 0; k < 2; k++) Assert.AreEqual(Math.Exp(z[k] - max) / sum, scores[i][k], 1e-5, $"image {i} class {k}");
        }
        // Unnormalized pixels would give other scores: the normalization is really in the graph.
        var raw = cnn.Model.Network.Forward(Tensor.FromArray(images.SelectMany(i => i).ToArray(), images.Length, 1, Side, Side), training: false).ToArray();
        Assert.IsTrue(raw.Zip(logits).Any(p => Math.Abs(p.First - p.Second) > 1e-3));
    }

    public sealed class SmallImage
    {
        [VectorType(36)] public float[] Features { get; set; } = new float[36];
        public string Label { get; set; } = "a";
    }

    [TestMethod]
    public void APixelColumnOfAnotherSizeIsRefusedWithTheBackbonesGeometry()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new SmallImage(), new SmallImage { Label = "b" } });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeAll)));
        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "size 36");
        StringAssert.Contains(e.Message, "64 = 1×8×8");
        StringAssert.Contains(e.Message, "backbone");
    }

    [TestMethod]
    public void AnUnknownFeatureLayerListsTheBlocks()
    {
        var ml = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeAll, "block3")));
        foreach (var block in new[] { "'block3'", "block1", "block2", "flatten", "fc" }) StringAssert.Contains(e.Message, block);
        var inside = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeAll, "block2/bn")));
        StringAssert.Contains(inside.Message, "inside its block 'block2'");
        var tooMany = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeFirst(3))));
        StringAssert.Contains(tooMany.Message, "FreezeFirst(3)");
        Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions()));
    }

    [TestMethod]
    public void ABackboneFileWorksLikeTheModelAndSaveLoadGivesIdenticalScores()
    {
        string directory = Directory.CreateTempSubdirectory("cnn-transfer").FullName;
        try
        {
            string backbonePath = Path.Combine(directory, "backbone.cnn");
            ModelFile.Save(Pretrained.Value, backbonePath);
            var (ml, model, _, test) = Fit(new CnnTransferOptions
            {
                BackbonePath = backbonePath, FeatureLayer = "flatten", Policy = TransferPolicy.FreezeAll, Head = new TransferHead { Hidden = 16, Dropout = 0.2f }, Epochs = 3,
            });
            string path = Path.Combine(directory, "model.zip");
            ml.Model.Save(model, test.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var expected = Scores(model.Transform(test));
            var actual = Scores(loaded.Transform(test));
            for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
            CollectionAssert.AreEqual(model.Transform(test).GetColumn<string>("PredictedLabel").ToArray(),
                loaded.Transform(test).GetColumn<string>("PredictedLabel").ToArray());
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    public sealed class ImagePath
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void AnImageColumnIsResizedToTheBackbonesInputAndTheSchemaIsKnownBeforeFit()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-transfer-images-");
        try
        {
            // 16×16 gray pictures: the trainer resizes them to the backbone's 8×8.
            List<ImagePath> Pictures(int count, int seed) => Halves(count, seed).Select((h, i) =>
            {
                var bgra = new byte[16 * 16 * 4];
                for (int p = 0; p < 16 * 16; p++)
                {
                    byte value = (byte)Math.Clamp(h.Features[(p / 16 / 2) * Side + p % 16 / 2] / 1.5f * 255, 0, 255);
                    bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = value;
                    bgra[4 * p + 3] = 255;
                }
                string path = Path.Combine(directory.FullName, $"{seed}-{i}.png");
                using (var image = MLImage.CreateFromPixels(16, 16, MLPixelFormat.Bgra32, bgra)) image.Save(path);
                return new ImagePath { Path = path, Label = h.Label };
            }).ToList();
            var ml = new MLContext(seed: 1);
            var pipeline = ml.Transforms.LoadImages("Features", null, "Path")
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.CnnTransfer(Options(TransferPolicy.FreezeAll)));
            var train = ml.Data.LoadFromEnumerable(Pictures(300, 1));
            var shape = pipeline.GetOutputSchema(SchemaShapes.Of(train.Schema));
            Assert.IsTrue(shape.Any(c => c.Name == "Score") && shape.Any(c => c.Name == "PredictedLabel"));
            var model = pipeline.Fit(train);
            double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Pictures(100, 2)))).MicroAccuracy;
            Assert.IsTrue(accuracy > 0.8, $"accuracy {accuracy}");
        }
        finally { directory.Delete(recursive: true); }
    }
}
