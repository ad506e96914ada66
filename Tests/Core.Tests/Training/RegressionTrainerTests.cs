using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class RegressionTrainerTests
{
    /// <summary>
    /// 1×8×8 images of noise with one bright dot; the two targets are its (row, column) scaled to [0, 1].
    /// A model that learns nothing predicts the mean, RMSE ≈ 0.32; one pixel is 1/7 ≈ 0.14.
    /// </summary>
    internal static ImageDataset Dots(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 64];
        var targets = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < 64; p++) pixels[i * 64 + p] = (float)random.NextDouble() * 0.3f;
            int row = random.Next(8), column = random.Next(8);
            pixels[i * 64 + row * 8 + column] += 1f;
            (targets[i * 2], targets[i * 2 + 1]) = (row / 7f, column / 7f);
        }
        return ImageDataset.ForRegression(pixels, targets, 2, 1, 8, 8);
    }

    private static Sequential DotCnn(int outputs = 2) => new("net",
        new Conv2dLayer("conv", 1, 4, 3, padding: 1),
        new ActivationLayer("relu", new ReLU()),
        new FlattenLayer("flatten"),
        new DenseLayer("fc", 4 * 64, outputs));

    private static TrainingResult Train(Sequential network, TrainerOptions options)
    {
        Initializer.Initialize(network, seed: 7);
        return Trainer.Fit(network, Dots(2048, 1), Dots(128, 2), options);
    }

    private static float[] Weights(Layer network) => network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray();

    [TestMethod]
    public void ASmallCnnLearnsWhereTheDotIs()
    {
        var reports = new List<TrainingProgress>();
        var network = DotCnn();
        var result = Train(network, new TrainerOptions
        {
            Epochs = 10, BatchSize = 32, ProgressInterval = 4, Progress = new SynchronousProgress(reports.Add),
            Optimizer = ps => new AdamW(ps, learningRate: 1e-2f),
        });
        Assert.AreEqual(StopReason.Completed, result.StopReason, result.Message);
        var test = RegressionEvaluation.Of(network, Dots(300, 3), new MeanSquaredError());
        Assert.IsTrue(test.RootMeanSquaredError < 0.07, $"test RMSE {test.RootMeanSquaredError:F4}: not under half a pixel (0.07)");
        Assert.IsTrue(test.RSquared > 0.95, $"test R² {test.RSquared:F4}");
        Assert.AreEqual(test.Loss, test.RootMeanSquaredError * test.RootMeanSquaredError, 1e-6, "the MSE loss is the square of the RMSE");
        Assert.AreEqual(result.Epochs[result.BestEpoch!.Value - 1].ValidationLoss!.Value,
            RegressionEvaluation.Of(network, Dots(128, 2), new MeanSquaredError()).Loss, 1e-9, "the default loss is the MSE");

        var last = result.Epochs[^1];
        Assert.IsTrue(last.Loss < result.Epochs[0].Loss, "training loss falls");
        Assert.IsNull(last.Accuracy);
        Assert.IsNull(last.ValidationAccuracy);
        Assert.IsTrue(last.MeanAbsoluteError > 0 && last.ValidationMeanAbsoluteError < 0.07, $"validation MAE {last.ValidationMeanAbsoluteError}");
        Assert.IsTrue(reports.Any(r => !r.IsEpochEnd && r.MeanAbsoluteError is not null));
        string line = reports[^1].ToString();
        StringAssert.Contains(line, " mae ");
        StringAssert.Contains(line, "val_mae");
        Assert.IsFalse(line.Contains("acc"), line);
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameWeightsAndMetrics()
    {
        float[] Run(out TrainingResult result)
        {
            var network = DotCnn();
            result = Train(network, new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 5, ValidationFraction = 0.2 });
            return Weights(network);
        }
        var first = Run(out var a);
        var second = Run(out var b);
        CollectionAssert.AreEqual(first, second);
        Assert.AreEqual(a.Epochs[^1].ValidationMeanAbsoluteError, b.Epochs[^1].ValidationMeanAbsoluteError);
    }

    [TestMethod]
    public void EarlyStoppingRestoresTheEpochWithTheLowestSmoothL1ValidationLoss()
    {
        var network = DotCnn();
        var validation = Dots(128, 2);
        Initializer.Initialize(network, seed: 7);
        var result = Trainer.Fit(network, Dots(512, 1), validation, new TrainerOptions
        {
            Epochs = 40, BatchSize = 32, Loss = new SmoothL1(beta: 0.1f), EarlyStoppingPatience = 2,
            Optimizer = ps => new Sgd(ps, learningRate: 0.5f, momentum: 0.9f),
        });
        Assert.AreEqual(StopReason.EarlyStopping, result.StopReason, result.Message);
        var best = result.Epochs.MinBy(e => e.ValidationLoss)!;
        Assert.AreEqual(best.Epoch, result.BestEpoch);
        Assert.AreEqual(best.ValidationLoss!.Value, RegressionEvaluation.Of(network, validation, new SmoothL1(beta: 0.1f)).Loss, 1e-9,
            "the network holds the weights of the epoch with the lowest validation loss");
    }

    [TestMethod]
    public void DivergenceStopsAndKeepsTheLastGoodWeights()
    {
        var network = DotCnn();
        float[]? afterEpochOne = null;
        var result = Train(network, new TrainerOptions
        {
            Epochs = 3, BatchSize = 32,
            Progress = new SynchronousProgress(p =>
            {
                if (!p.IsEpochEnd || p.Epoch != 1) return;
                afterEpochOne = Weights(network);
                network.AllParameters().Last(q => q.Role == ParameterRole.Weight).Value.Span.Fill(1e38f);
            }),
        });
        Assert.AreEqual(StopReason.Diverged, result.StopReason, result.Message);
        StringAssert.Contains(result.Message, "epoch 2");
        CollectionAssert.AreEqual(afterEpochOne, Weights(network));
    }

    [TestMethod]
    public void ANetworkOrValidationSetThatDoesNotFitIsRefused()
    {
        var wide = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(DotCnn(outputs: 3), Dots(50, 1), null, new TrainerOptions { BatchSize = 10 }));
        Assert.AreEqual("network", wide.ParamName);
        StringAssert.Contains(wide.Message, "to [10, 3]");
        StringAssert.Contains(wide.Message, "regression network for the 2 targets of this dataset must give [10, 2]");

        var flat = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("fc", 64, 2));
        var classes = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(flat, Dots(50, 1), Stripes(20, 1), new TrainerOptions()));
        StringAssert.Contains(classes.Message,
            "validation set has 3 classes of 1×6×6 images; the training set 1×8×8 images with 2 regression targets");

        var oneTarget = ImageDataset.ForRegression(new float[64], [0.5f], 1, 1, 8, 8);
        var count = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Fit(flat, Dots(50, 1), oneTarget, new TrainerOptions()));
        StringAssert.Contains(count.Message, "with 1 regression targets; the training set 1×8×8 images with 2 regression targets");
    }

    [TestMethod]
    public void EachEvaluationRefusesTheOtherKindOfDataset()
    {
        var regression = Assert.ThrowsExactly<ArgumentException>(() => Evaluation.Of(DotCnn(), Dots(4, 1), new MeanSquaredError()));
        StringAssert.Contains(regression.Message, "RegressionEvaluation.Of");
        var classification = Assert.ThrowsExactly<ArgumentException>(() => RegressionEvaluation.Of(SmallCnn(), Stripes(4, 1), new MeanSquaredError()));
        StringAssert.Contains(classification.Message, "Evaluation.Of");
    }

    [TestMethod]
    public void RegressionEvaluationComputesMaeRmseAndMeanRSquared()
    {
        // 1×1×2 images through Flatten: the prediction is the pixels themselves.
        float[] predictions = [1, 5, 2, 5, 3, 5, 6, 5];
        float[] targets = [1, 5, 2, 5, 4, 5, 5, 5];
        var data = ImageDataset.ForRegression(predictions, targets, 2, 1, 1, 2);
        var evaluation = RegressionEvaluation.Of(new FlattenLayer("flatten"), data, new MeanSquaredError(), batchSize: 3);
        // errors: target 0 → 0, 0, −1, 1; target 1 (constant 5, predicted exactly) → 0, 0, 0, 0
        Assert.AreEqual(2.0 / 8, evaluation.MeanAbsoluteError, 1e-12);
        Assert.AreEqual(Math.Sqrt(2.0 / 8), evaluation.RootMeanSquaredError, 1e-12);
        Assert.AreEqual(2.0 / 8, evaluation.Loss, 1e-7);
        // target 0: mean 3, Σ(y − ȳ)² = 4 + 1 + 1 + 4 = 10, R² = 1 − 2/10 = 0.8; target 1: constant, exact → 1
        Assert.AreEqual((0.8 + 1) / 2, evaluation.RSquared, 1e-12);
    }
}
