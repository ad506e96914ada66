using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
/// Pins what <see cref="Trainer"/> computes, bit for bit: small seeded runs that touch every step of the loop (split,
/// shuffle, augmentation, mixing, pruning, clipping, schedule, validation, progress, early stopping, best weights,
/// divergence) are hashed — final weights and buffers, the result, every epoch row and every progress report except
/// the timings — and compared with the hashes recorded before the loop was restructured. Float sums depend on the
/// vector width and on how the kernels split work over threads, so the pins are per (instruction sets, threads); on a
/// machine without a recorded pin the test is inconclusive and prints the hashes to record.
/// </summary>
[TestClass]
public sealed class TrainingFingerprintTests
{
    // Recorded at commit ba12dc6 (the loop as one 125-line method), before the restructuring, on an AMD EPYC with
    // AVX-512, the other rows by DOTNET_PROCESSOR_COUNT, DOTNET_EnableAVX512=0, DOTNET_PreferredVectorBitWidth=256,
    // DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0.
    private static readonly Dictionary<string, string[]> Pins = new()
    {
        ["avx512f avx2+fma avx v512 v256 vector8 1 threads"] = ["D99B1B75EC58FA26", "79013D7450D88BB3", "DA38647B51394AB1", "BFB89312DE2D3808"],
        ["avx512f avx2+fma avx v512 v256 vector8 2 threads"] = ["2188B9577B775829", "8BA43FE57311D475", "DA38647B51394AB1", "463CA970F5996C32"],
        ["avx512f avx2+fma avx v512 v256 vector8 4 threads"] = ["B70507F3313EEC38", "57E5EBC3F69FF388", "DA38647B51394AB1", "463CA970F5996C32"],
        ["avx512f avx2+fma avx v512 v256 vector8 8 threads"] = ["10EE1395B1AA4353", "272A9B446AF1CBAB", "DA38647B51394AB1", "13607A248B26A5F0"],
        ["avx512f avx2+fma avx v512 v256 vector8 16 threads"] = ["6883A81BBC589A9E", "79013D7450D88BB3", "DA38647B51394AB1", "C3BCDE2E128F4F4F"],
        ["avx2+fma avx v256 vector8 1 threads"] = ["D4CB419671773C60", "46C1D6081111761B", "B2F158A89744E95F", "FE0874FE18FF9FFD"],
        ["avx2+fma avx v256 vector8 2 threads"] = ["8E40EF342114990C", "A95DBB1847D4C50F", "B2F158A89744E95F", "0489A3D1861091FE"],
        ["avx2+fma avx v256 vector8 4 threads"] = ["2390DD8903AC1094", "8BBED8883028F4B0", "B2F158A89744E95F", "0489A3D1861091FE"],
        ["avx2+fma avx v256 vector8 8 threads"] = ["804F82886ACC3BE9", "A0DF62BBC8473F1C", "B2F158A89744E95F", "5B56823B8555AB3F"],
        ["avx2+fma avx v256 vector8 16 threads"] = ["EE007B34911C31FA", "46C1D6081111761B", "B2F158A89744E95F", "74AE94236F658E6F"],
        ["avx512f avx2+fma avx v256 vector8 1 threads"] = ["D4CB419671773C60", "46C1D6081111761B", "B2F158A89744E95F", "FE0874FE18FF9FFD"],
        ["avx512f avx2+fma avx v256 vector8 2 threads"] = ["8E40EF342114990C", "A95DBB1847D4C50F", "B2F158A89744E95F", "0489A3D1861091FE"],
        ["avx512f avx2+fma avx v256 vector8 4 threads"] = ["2390DD8903AC1094", "8BBED8883028F4B0", "B2F158A89744E95F", "0489A3D1861091FE"],
        ["avx512f avx2+fma avx v256 vector8 8 threads"] = ["804F82886ACC3BE9", "A0DF62BBC8473F1C", "B2F158A89744E95F", "5B56823B8555AB3F"],
        ["avx512f avx2+fma avx v256 vector8 16 threads"] = ["EE007B34911C31FA", "46C1D6081111761B", "B2F158A89744E95F", "74AE94236F658E6F"],
        ["avx vector4 1 threads"] = ["A7CF0A96EEE5D3BE", "A2DB25C021AEC9C1", "FE6D1092EF95B8F6", "484A8FC3B9EEDA63"],
        ["1 threads"] = ["8E2AD63621D62638", "93B2FAA228B059F3", "EE6FAB28EC5C43C4", "EEC80F8BF4FAD7B6"],
        ["avx vector4 2 threads"] = ["FE378DD90D6F58BE", "A6EA3D5C7DF2F535", "FE6D1092EF95B8F6", "4B575C4FD6936940"],
        ["2 threads"] = ["E24920DD098C0F8D", "3A23CC4CB2F70D6D", "EE6FAB28EC5C43C4", "EEC80F8BF4FAD7B6"],
        ["avx vector4 4 threads"] = ["8BE00298A6EDF220", "031C6D09546AF789", "FE6D1092EF95B8F6", "4B575C4FD6936940"],
        ["4 threads"] = ["9A909019E17633FD", "5CF929162C41646A", "EE6FAB28EC5C43C4", "F66C1F29A94116DA"],
    };

    /// <summary>What the kernels choose their code paths by (the GEMM micro-kernel, the vector widths) and the threads they split work into.</summary>
    private static string Machine => string.Join(" ", new[]
    {
        (Avx512F.IsSupported, "avx512f"), (Fma.IsSupported && Avx2.IsSupported, "avx2+fma"), (Avx.IsSupported, "avx"),
        (Vector512.IsHardwareAccelerated, "v512"), (Vector256.IsHardwareAccelerated, "v256"), (Vector.IsHardwareAccelerated, $"vector{Vector<float>.Count}"),
    }.Where(f => f.Item1).Select(f => f.Item2).Append($"{CnnParallel.Threads} threads"));

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
    public void TheLoopComputesWhatItComputedBeforeItWasRestructured()
    {
        var fingerprints = Fingerprints((network, train, validation, options) => Trainer.Fit(network, train, validation, options));
        string recorded = $"\"{Machine}\", [{string.Join(", ", fingerprints.Select(f => $"\"{f}\""))}]";
        Console.WriteLine(recorded);
        if (!Pins.TryGetValue(Machine, out var pinned))
            Assert.Inconclusive($"No fingerprints recorded for {Machine}; this machine gives {recorded}.");
        CollectionAssert.AreEqual(pinned, fingerprints, recorded);
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
