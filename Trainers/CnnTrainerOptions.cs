using MLNet.Cnn.Pruning;
using Microsoft.ML;
using MLNet.Cnn.Augment;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What every CNN trainer needs: the columns, the image geometry, the network and how to train it. The defaults
/// train a small CNN well; <see cref="Optimizer"/>, <see cref="Schedule"/> and <see cref="Loss"/> take the core's
/// components for full control (as <see cref="TrainerOptions"/> does).
/// </summary>
public abstract class CnnTrainerOptions
{
    /// <summary>
    /// The input: a known-size float vector of Channels·Height·Width pixels in [C, H, W] order (what ExtractPixels writes
    /// with interleavePixelColors = false), or an MLImage column (LoadImages), which the trainer resizes to Width×Height
    /// and turns into pixels scaled by <see cref="ImagePixelScale"/>; the scoring chain then does the same.
    /// </summary>
    public string FeatureColumnName { get; init; } = "Features";

    public string LabelColumnName { get; init; } = "Label";

    public int Channels { get; init; } = 1;
    public int Height { get; init; } = 28;
    public int Width { get; init; } = 28;

    /// <summary>Multiplies the 0…255 pixel values of an MLImage input (default 1/255: pixels in [0, 1]).</summary>
    public float ImagePixelScale { get; init; } = 1f / 255;

    /// <summary>
    /// Builds the network from (channels, height, width, outputs) — any architecture of <c>MLNet.Cnn.Models</c> or a
    /// network of your own; it is initialized with <see cref="Seed"/>. Default: LeNet-5.
    /// </summary>
    public Func<int, int, int, int, Layer>? Network { get; init; }

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds the initialization, the shuffling and the validation split: the same seed gives the same model.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Learning rate of the default optimizer (AdamW) when <see cref="Optimizer"/> is not set.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decoupled weight decay of the default optimizer (AdamW) when <see cref="Optimizer"/> is not set.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Builds the optimizer over the network's parameters (SGD, Adam, AdamW, RMSprop); default AdamW.</summary>
    public Func<IReadOnlyList<Parameter>, Optimizer>? Optimizer { get; init; }

    /// <summary>Builds the learning-rate schedule from the number of batches per epoch; default constant.</summary>
    public Func<int, LearningRateSchedule>? Schedule { get; init; }

    /// <summary>The loss; default softmax cross-entropy for classifiers, mean squared error for regression.</summary>
    public ILoss? Loss { get; init; }

    /// <summary>
    /// Rows to validate on after every epoch, with the same columns as the trainer's input (so: already through the
    /// pipeline's earlier steps, e.g. <c>prefix.Fit(train).Transform(validation)</c>). Takes precedence over
    /// <see cref="ValidationFraction"/>.
    /// </summary>
    public IDataView? ValidationSet { get; init; }

    /// <summary>Share of the training rows held out for validation when no <see cref="ValidationSet"/> is given (0: none).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a lower validation loss (null: never); the best weights are kept.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Stop once this much training time has passed.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Clip the global gradient norm to this value (null: no clipping).</summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>
    /// Training-time augmentation of the network's input (ops of <c>MLNet.Cnn.Augment</c>): every training sample gets a
    /// fresh draw every epoch, reproducible under <see cref="Seed"/>; validation and scoring never see it. An
    /// <c>mlContext.Transforms.Augment(…)</c> step earlier in the pipeline adds its policy before this one.
    /// </summary>
    public IAugmentation? Augmentation { get; init; }

    /// <summary>
    /// Prunes the weights by magnitude while training, on this schedule built from the number of batches per epoch (the
    /// core's <c>SparsitySchedule</c>, e.g. Zhu and Gupta's gradual one); pruned weights stay zero to the end, so the
    /// exported network holds the zeros (a file that compresses well). Null: no pruning.
    /// </summary>
    public Func<int, SparsitySchedule>? Sparsity { get; init; }

    /// <summary>Which weights <see cref="Sparsity"/> prunes and how the threshold is taken (default: global, first and last layer dense).</summary>
    public PruningOptions Pruning { get; init; } = new();

    /// <summary>Receives the trainer's progress (epoch, loss, accuracy, images/s, time left); epoch ends also go to <c>MLContext.Log</c>.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Report progress every this many batches (and at every epoch end).</summary>
    public int ProgressInterval { get; init; } = 100;

    /// <summary>What the labels are to the augmentation's geometric ops (regression only: keypoints or boxes move with the pixels).</summary>
    private protected virtual AugmentTargets TargetsToAugment => AugmentTargets.None;

    internal TrainerOptions ToTrainerOptions(IProgress<TrainingProgress> progress, IAugmentation? augmentation, ILoss? defaultLoss = null) => new()
    {
        Augmentation = augmentation,
        AugmentTargets = TargetsToAugment,
        Epochs = Epochs, BatchSize = BatchSize, Seed = Seed, ValidationFraction = ValidationSet is null ? ValidationFraction : 0,
        Optimizer = Optimizer ?? (parameters => new AdamW(parameters, learningRate: LearningRate) { WeightDecay = WeightDecay }),
        Schedule = Schedule, Loss = Loss ?? defaultLoss, EarlyStoppingPatience = EarlyStoppingPatience, TimeLimit = TimeLimit,
        GradientClipNorm = GradientClipNorm, Progress = progress, ProgressInterval = ProgressInterval,
        Sparsity = Sparsity, Pruning = Pruning,
    };
}
