using System.Security.Cryptography;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Pruning;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Training;

/// <summary>
/// Checks what <see cref="Trainer"/> computes, bit for bit: small seeded runs that touch every step of the loop (split,
/// shuffle, augmentation, mixing, pruning, clipping, schedule, validation, progress, early stopping, best weights,
/// divergence) are hashed — final weights and buffers, the result, every epoch row and every progress report except
/// the timings — and compared with the same runs through <see cref="ReferenceTrainingLoop"/>, the loop written out in
/// one method as it was before it became named steps. Both use the same kernels, so the check holds on every machine,
/// thread count and kernel version. (When the loop was restructured, the hashes were also pinned against the old
/// loop's on 21 instruction-set and thread settings: all matched; see the issue 12 note.)
/// </summary>
[TestClass]
public sealed class TrainingFingerprintTests
{
    /// <summary>The scenarios, each hashed; <paramref name="fit"/> is <see cref="Trainer.Fit(Layer, ImageDataset, ImageDataset?, TrainerOptions, CancellationToken)"/> or a variant of it.</summary>
    internal static string[] Fingerprints(Func<Layer, ImageDataset, ImageDataset?, TrainerOptions, TrainingResult> fit) =>
    [
        // classification: seeded split, augmentation, CutMix, clipping, a cosine schedule, pruning, early stopping
        Run(PruningNetworks.Network(), fit, Stripes(300, 1), null, reports => new TrainerOptions
        {
            Epochs = 5, BatchSize = 28, Seed = 11, ValidationFraction = 0.2, ProgressInterval = 3, Progress = reports,
            Augmentation = new AugmentationPipeline(new HorizontalFlip(), new ColorJitter(0.2, 0.2)),
            BatchMixing = new CutMix(alpha: 1), GradientClipNorm = 1f, EarlyStoppingPatience = 3,
            Schedule = plan => new CosineAnnealing(3e-3f, plan.TotalSteps),
            Sparsity = batches => new SparsitySchedule(0.5, beginStep: 0, frequency: batches, intervals: 2),
        }, StopReason.Completed),
        // classification: SGD with momentum until early stopping, best weights restored, Mixup, a plateau schedule
        Run(SmallCnn(), fit, Stripes(200, 3), Stripes(60, 4), reports => new TrainerOptions
        {
            Epochs = 30, BatchSize = 16, Seed = 2, ProgressInterval = 4, Progress = reports, EarlyStoppingPatience = 2,
            Optimizer = ps => new Sgd(ps, learningRate: 0.5f, momentum: 0.9f), BatchMixing = new Mixup(0.4, probability: 0.7),
            Schedule = _ => new ReduceOnPlateau(0.5f, patience: 1),
        }, StopReason.EarlyStopping),
        // regression: keypoints moved by the augmentation, validation set, AdamW
        Run(new Sequential("net", new Conv2dLayer("conv", 1, 3, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
                new FlattenLayer("flatten"), new DenseLayer("fc", 3 * 64, 2)),
            fit, RegressionTrainerTests.Dots(120, 1), RegressionTrainerTests.Dots(40, 2), reports => new TrainerOptions
            {
                Epochs = 3, BatchSize = 25, Seed = 4, ProgressInterval = 2, Progress = reports,
                Augmentation = new HorizontalFlip(), AugmentTargets = AugmentTargets.Keypoints, RestoreBestWeights = false,
            }, StopReason.Completed),
        // divergence: a weight blown up after epoch 2; the network goes back to the weights of epoch 2
        Run(SmallCnn(), fit, Stripes(160, 5), null, reports => new TrainerOptions
        {
            Epochs = 4, BatchSize = 32, Seed = 6, ProgressInterval = 2, Progress = reports,
        }, StopReason.Diverged, sabotageAfterEpoch: 2),
    ];

    [TestMethod]
    public void TheLoopComputesWhatTheReferenceLoopComputes()
    {
        var fingerprints = Fingerprints((network, train, validation, options) => Trainer.Fit(network, train, validation, options));
        CollectionAssert.AreEqual(Fingerprints(ReferenceTrainingLoop.Fit), fingerprints);
        CollectionAssert.AreEqual(fingerprints, Fingerprints((network, train, validation, options) => Trainer.Fit(network, train, validation, options)),
            "the same seed gives the same bits");
    }

    private static string Run(Sequential network, Func<Layer, ImageDataset, ImageDataset?, TrainerOptions, TrainingResult> fit,
        ImageDataset train, ImageDataset? validation, Func<IProgress<TrainingProgress>, TrainerOptions> options, StopReason expected, int? sabotageAfterEpoch = null)
    {
        Initializer.Initialize(network, seed: 7);
        using var hash = new MemoryStream();
        using var writer = new BinaryWriter(hash);
        var reports = new SynchronousProgress(p =>
        {
            writer.Write(p.ToString().Length > 0);   // touches ToString, whose figures are hashed below
            writer.Write(p.Epoch); writer.Write(p.Epochs); writer.Write(p.Batch); writer.Write(p.BatchesPerEpoch);
            writer.Write(p.Loss); Write(writer, p.Accuracy); Write(writer, p.MeanAbsoluteError); writer.Write(p.LearningRate);
            Write(writer, p.ValidationLoss); Write(writer, p.ValidationAccuracy); Write(writer, p.ValidationMeanAbsoluteError);
            writer.Write(p.IsEpochEnd); Write(writer, p.Sparsity);
            if (p.IsEpochEnd && p.Epoch == sabotageAfterEpoch)
                network.AllParameters().Last(q => q.Role == ParameterRole.Weight).Value.Span.Fill(1e38f);
        });
        var result = fit(network, train, validation, options(reports));
        Assert.AreEqual(expected, result.StopReason, result.Message);
        writer.Write((int)result.StopReason); writer.Write(result.Message); Write(writer, result.BestEpoch);
        foreach (var e in result.Epochs)
        {
            writer.Write(e.Epoch); writer.Write(e.Loss); Write(writer, e.Accuracy); Write(writer, e.MeanAbsoluteError);
            Write(writer, e.ValidationLoss); Write(writer, e.ValidationAccuracy); Write(writer, e.ValidationMeanAbsoluteError); Write(writer, e.Sparsity);
        }
        foreach (var tensor in network.AllParameters().Select(p => p.Value).Concat(network.AllBuffers().Select(b => b.Value)))
            foreach (float value in tensor.Span) writer.Write(value);
        writer.Flush();
        return Convert.ToHexString(SHA256.HashData(hash.ToArray()))[..16];
    }

    private static void Write(BinaryWriter writer, double? value) => writer.Write(value ?? double.NaN);
}
