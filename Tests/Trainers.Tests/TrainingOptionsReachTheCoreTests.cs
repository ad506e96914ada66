using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transfer;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>
/// Every core training option (<see cref="TrainerOptions"/>, found by reflection) reaches the core from every ML.NET
/// trainer with the value the user set, or is refused by that trainer with a message naming it. A new core option fails
/// <see cref="EveryCoreOptionHasATestValue"/> until it is given a value here, so none can be added and forgotten.
/// </summary>
[TestClass]
public sealed class TrainingOptionsReachTheCoreTests
{
    /// <summary>A value other than the default for every core option.</summary>
    private static readonly Dictionary<string, object> TestValues = new()
    {
        [nameof(TrainerOptions.Epochs)] = 3,
        [nameof(TrainerOptions.BatchSize)] = 7,
        [nameof(TrainerOptions.Seed)] = 11,
        [nameof(TrainerOptions.LearningRate)] = 0.123f,
        [nameof(TrainerOptions.WeightDecay)] = 0.0456f,
        [nameof(TrainerOptions.Optimizer)] = (Func<IReadOnlyList<Parameter>, Optimizer>)(ps => new Sgd(ps, 0.1f)),
        [nameof(TrainerOptions.Schedule)] = (Func<TrainingPlan, LearningRateSchedule>)(plan => new OneCycle(0.1f, plan.TotalSteps)),
        [nameof(TrainerOptions.Loss)] = new SmoothL1(),
        [nameof(TrainerOptions.ValidationFraction)] = 0.25,
        [nameof(TrainerOptions.EarlyStoppingPatience)] = 4,
        [nameof(TrainerOptions.RestoreBestWeights)] = false,
        [nameof(TrainerOptions.TimeLimit)] = TimeSpan.FromMinutes(5),
        [nameof(TrainerOptions.GradientClipNorm)] = 2.5f,
        [nameof(TrainerOptions.Augmentation)] = new HorizontalFlip(),
        [nameof(TrainerOptions.AugmentTargets)] = AugmentTargets.Keypoints,
        [nameof(TrainerOptions.BatchMixing)] = new Mixup(0.2),
        [nameof(TrainerOptions.Sparsity)] = (Func<int, SparsitySchedule>)(batches => SparsitySchedule.OneShot(0.5, batches)),
        [nameof(TrainerOptions.Pruning)] = new PruningOptions { KeepFirstAndLastDense = false },
        [nameof(TrainerOptions.Progress)] = new Progress<TrainingProgress>(),
        [nameof(TrainerOptions.ProgressInterval)] = 9,
        [nameof(TrainerOptions.Checkpoints)] = new CheckpointOptions { Directory = "checkpoints", Keep = 3 },
    };

    /// <summary>Options a trainer refuses, with the reason; every other option must reach the core unchanged.</summary>
    private static readonly Dictionary<string, string[]> Refused = new()
    {
        ["transfer, backbone on ONNX Runtime"] = [nameof(TrainerOptions.Augmentation), nameof(TrainerOptions.BatchMixing)], // features computed once
        ["object detection"] = [nameof(TrainerOptions.Loss)], // the head's YOLO loss (CnnObjectDetectionOptions.DetectionLoss)
    };

    private static IEnumerable<System.Reflection.PropertyInfo> CoreOptions() =>
        typeof(TrainerOptions).GetProperties().Where(p => p.DeclaringType == typeof(TrainerOptions) && p.CanWrite);

    [TestMethod]
    public void EveryCoreOptionHasATestValue()
    {
        var missing = CoreOptions().Select(p => p.Name).Where(n => !TestValues.ContainsKey(n)).ToList();
        Assert.AreEqual(0, missing.Count, $"core training options without a test value here (are they reachable from ML.NET?): {string.Join(", ", missing)}");
        foreach (var p in CoreOptions())
            Assert.AreNotEqual(p.GetValue(new TrainerOptions()), TestValues[p.Name], $"the test value of {p.Name} is its default");
        Assert.IsTrue(CoreOptions().All(p => typeof(CnnTrainerOptions).GetProperty(p.Name)?.DeclaringType == typeof(TrainerOptions)),
            "the ML.NET options inherit the core options and declare none of them again");
    }

    [TestMethod]
    public void EveryCoreOptionReachesTheCoreFromEveryTrainer()
    {
        var ml = new MLContext(seed: 1);
        var env = (IHostEnvironment)ml;
        var schema = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(3, 1)).Schema;
        var backbone = SmallBackbone();
        var trainers = new (string Name, Func<CnnTrainerOptions, TrainerOptions> CoreOptionsOf, CnnTrainerOptions Options)[]
        {
            ("multiclass", o => new CnnMulticlassEstimator(env, (CnnMulticlassOptions)o).CoreOptions(schema, Channel(env)), new CnnMulticlassOptions()),
            ("binary", o => new CnnBinaryEstimator(env, (CnnBinaryOptions)o).CoreOptions(schema, Channel(env)), new CnnBinaryOptions()),
            ("regression", o => new CnnRegressionEstimator(env, (CnnRegressionOptions)o).CoreOptions(schema, Channel(env)), new CnnRegressionOptions()),
            ("transfer", o => new CnnTransferEstimator(env, (CnnTransferOptions)o, CnnTransferEstimator.Transfer((CnnTransferOptions)o)).CoreOptions(schema, Channel(env)),
                new CnnTransferOptions { Backbone = backbone, Policy = TransferPolicy.FreezeAll }),
            ("transfer, backbone on ONNX Runtime", o => new OnnxRuntimeTransferEstimator(env, (CnnTransferOptions)o).Head(null).CoreOptions(schema, Channel(env)),
                new CnnTransferOptions { BackbonePath = TestModels.PathOf("fmnist-resnet-small.onnx"), FeatureLayer = "features", BackboneOnOnnxRuntime = true, Policy = TransferPolicy.FreezeAll }),
            ("object detection", o => new CnnObjectDetectionEstimator(env, (CnnObjectDetectionOptions)o).CoreOptions(schema, Channel(env)), new CnnObjectDetectionOptions()),
            ("segmentation", o => new CnnSegmentationEstimator(env, (CnnSegmentationOptions)o).CoreOptions(schema, Channel(env)), new CnnSegmentationOptions()),
        };
        foreach (var (name, coreOptionsOf, blank) in trainers)
            foreach (var option in CoreOptions())
            {
                var options = blank with { };
                option.SetValue(options, TestValues[option.Name]);
                if (Refused.TryGetValue(name, out var refused) && refused.Contains(option.Name))
                {
                    var e = Assert.ThrowsExactly<ArgumentException>(() => coreOptionsOf(options), $"{name} refuses {option.Name}");
                    StringAssert.Contains(e.Message, option.Name, $"{name}: the refusal names the option");
                    continue;
                }
                var core = coreOptionsOf(options);
                object? reached = option.GetValue(core);
                if (option.Name == nameof(TrainerOptions.Progress))
                    reached = ((CnnEstimator.LogProgress)reached!).User;   // the log wraps the user's callback
                if (option.Name == nameof(TrainerOptions.Checkpoints))
                {
                    Assert.IsNotNull(((CheckpointOptions)reached!).Log, $"{name}: the checkpoints report to MLContext.Log");
                    reached = (CheckpointOptions)reached with { Log = null };   // the log is added; the rest is the user's
                }
                Assert.AreEqual(TestValues[option.Name], reached, $"{name}: {option.Name} reaches the core");
            }
    }

    [TestMethod]
    public void AValidationSetReplacesTheValidationFraction()
    {
        var ml = new MLContext(seed: 1);
        var env = (IHostEnvironment)ml;
        var data = ml.Data.LoadFromEnumerable(CnnMulticlassTests.Stripes(3, 1));
        var options = new CnnMulticlassOptions { ValidationFraction = 0.3, ValidationSet = data };
        Assert.AreEqual(0, new CnnMulticlassEstimator(env, options).CoreOptions(data.Schema, Channel(env)).ValidationFraction,
            "the rows of ValidationSet are the validation data; none of the training rows are held out");
    }

    private static IChannel Channel(IHostEnvironment env) => env.Register("test").Start("options");

    private static CnnModel SmallBackbone()
    {
        var network = new Sequential("net", new Conv2dLayer("conv", 1, 4, 3, padding: 1), new FlattenLayer("flatten"), new DenseLayer("fc", 4 * 28 * 28, 3));
        Initializer.Initialize(network, 1);
        return new CnnModel(network, new TensorShape(1, 28, 28), ["a", "b", "c"]);
    }
}
