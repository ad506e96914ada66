using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Pruning;

namespace MLNet.Cnn.Training;

/// <summary>
/// Everything <see cref="Trainer"/> needs besides the network and the data; the defaults train a small CNN well. The one
/// declaration of the training options: the ML.NET trainers' options derive from this record, so every option here is
/// an option of every ML.NET trainer, and the adapters hand the record itself (a <c>with</c> copy) to the core.
/// </summary>
public record TrainerOptions
{
    /// <summary>The passes over the training data; must be positive (a time limit or early stopping may end training sooner).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>The images per optimizer step; must be positive.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Seeds the shuffling and the validation split: the same seed gives the same weights and metrics. Default 1; the
    /// ML.NET trainers draw one from the <c>MLContext</c>'s seed instead when it is not set (see <see cref="IsSeedSet"/>), as
    /// ML.NET's own trainers do — one per trainer, so set it when a second trainer must resume the first one's checkpoints.
    /// </summary>
    public int Seed { get => _seed ?? 1; init => _seed = value; }

    private int? _seed;

    /// <summary>Whether <see cref="Seed"/> was given (false: it is the default, 1).</summary>
    public bool IsSeedSet => _seed is not null;

    /// <summary>Learning rate of the default optimizer (AdamW) when <see cref="Optimizer"/> is not set.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decoupled weight decay of the default optimizer (AdamW) when <see cref="Optimizer"/> is not set.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Builds the optimizer over the network's parameters (SGD, Adam, AdamW, RMSprop); default AdamW with <see cref="LearningRate"/> and <see cref="WeightDecay"/>.</summary>
    public Func<IReadOnlyList<Parameter>, Optimizer>? Optimizer { get; init; }

    internal Optimizer CreateOptimizer(IReadOnlyList<Parameter> parameters) =>
        Optimizer?.Invoke(parameters) ?? new AdamW(parameters, learningRate: LearningRate) { WeightDecay = WeightDecay };

    /// <summary>
    /// Builds the learning-rate schedule over the run's <see cref="TrainingPlan"/>, e.g.
    /// <c>plan => new OneCycle(3e-3f, plan.TotalSteps)</c>; default constant. With <see cref="TimeLimit"/> it may be called
    /// a second time, early in the run, with the plan that fits the limit (see <see cref="TrainingPlan"/>).
    /// </summary>
    public Func<TrainingPlan, LearningRateSchedule>? Schedule { get; init; }

    /// <summary>
    /// Default: softmax cross-entropy on class indices for classification, mean squared error for regression, pixel-wise
    /// cross-entropy with the layout's ignore label for segmentation. Detection has no default: give the head's loss
    /// (e.g. <see cref="Detection.YoloLoss"/>).
    /// </summary>
    public ILoss? Loss { get; init; }

    /// <summary>Share of the training data held out for validation when no validation set is given (0: none).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a lower validation loss (null: never).</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>At the end, go back to the weights of the epoch with the lowest validation loss.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Stop once this much time has passed (checked after every batch). The schedule is laid out over the steps that fit:
    /// after the first steps the loop measures the step time and, if <see cref="Epochs"/> would take longer, plans fewer
    /// steps (<see cref="TrainingPlan"/>), rebuilds <see cref="Schedule"/> over them and stops at the last one. Which step
    /// that is depends on the machine's speed, so a time-limited run is not reproducible to the bit.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Clip the global gradient norm to this value (null: no clipping).</summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>
    /// Applied to every training image of every batch, with parameters drawn afresh for each image and epoch from the
    /// seed (the same seed gives the same augmented batches, whatever the number of threads); never to validation or
    /// evaluation. The augmented image must keep the network's input size.
    /// </summary>
    public IAugmentation? Augmentation { get; init; }

    /// <summary>For regression only (segmentation masks and detection boxes always move with the pixels): what the targets are, so that <see cref="Augmentation"/> moves them with the pixels (default: it leaves them alone).</summary>
    public AugmentTargets AugmentTargets { get; init; }

    /// <summary>
    /// Mixes each training batch (<see cref="Mixup"/>, <see cref="CutMix"/>), after <see cref="Augmentation"/>; classification
    /// only. The loss then receives soft targets [N, K] (the default and <see cref="SoftmaxCrossEntropy"/> accept them), and
    /// the training accuracy counts an image as right when its arg-max is the label with the larger share.
    /// </summary>
    public BatchMixing? BatchMixing { get; init; }

    /// <summary>
    /// Prunes weights by magnitude during training on this schedule, built from the number of batches per epoch (as
    /// <see cref="Schedule"/>), and fine-tunes with the pruned weights held at zero; null: no pruning. While the schedule
    /// still prunes, the loss rises by design and the weights are denser than the final masks allow: an epoch counts
    /// for <see cref="RestoreBestWeights"/> and <see cref="EarlyStoppingPatience"/> only if it ran with the final masks
    /// from its first step (its mean training loss would otherwise flatter it). Progress and results report the
    /// sparsity of the pruned weights.
    /// </summary>
    public Func<int, SparsitySchedule>? Sparsity { get; init; }

    /// <summary>Which weights <see cref="Sparsity"/> prunes and how the threshold is taken.</summary>
    public PruningOptions Pruning { get; init; } = new();

    /// <summary>
    /// Receives progress reports (epoch, batch, loss, accuracy, images per second, time left) as training runs, on the
    /// training thread; null for none. <see cref="ProgressWriter"/> writes them as lines, in order.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Report progress every this many batches (and at every epoch end).</summary>
    public int ProgressInterval { get; init; } = 100;

    /// <summary>
    /// Write checkpoints into a folder while training, and resume from the newest one when a run is started again over that
    /// folder; the resumed run ends with the weights and epoch results of an uninterrupted one (see <see cref="CheckpointOptions"/>).
    /// Null: no checkpoints.
    /// </summary>
    public CheckpointOptions? Checkpoints { get; init; }

    internal void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive; {Epochs} was given.", nameof(Epochs));
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
            throw new ArgumentException($"LearningRate must be positive and finite; {LearningRate} was given.", nameof(LearningRate));
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay))
            throw new ArgumentException($"WeightDecay must be non-negative and finite; {WeightDecay} was given.", nameof(WeightDecay));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive; {BatchSize} was given.", nameof(BatchSize));
        if (ValidationFraction is < 0 or >= 1)
            throw new ArgumentException($"ValidationFraction must be in [0, 1); {ValidationFraction} was given.", nameof(ValidationFraction));
        if (EarlyStoppingPatience is <= 0)
            throw new ArgumentException($"EarlyStoppingPatience must be positive; {EarlyStoppingPatience} was given.", nameof(EarlyStoppingPatience));
        if (!Enum.IsDefined(AugmentTargets))
            throw new ArgumentException($"AugmentTargets {(int)AugmentTargets} is not one of None, Keypoints, Boxes.", nameof(AugmentTargets));
        if (Pruning is null) throw new ArgumentNullException(nameof(Pruning), "Pruning must not be null; leave it out for the defaults.");
        if (ProgressInterval <= 0)
            throw new ArgumentException($"ProgressInterval must be positive; {ProgressInterval} was given.", nameof(ProgressInterval));
        Checkpoints?.Validate();
    }

    /// <summary>The checks that need the training data: mixing needs class labels, moving targets needs coordinates.</summary>
    internal void ValidateFor(SampleLayout train)
    {
        if (BatchMixing is not null && train.Kind != TargetKind.Classification)
            throw new ArgumentException(
                $"BatchMixing ({BatchMixing.GetType().Name}) mixes class labels; this dataset holds {TargetsOf(train)}. " +
                "Leave BatchMixing null for regression, segmentation and detection.", nameof(BatchMixing));
        if (AugmentTargets == AugmentTargets.None) return;
        if (train.Kind is TargetKind.Segmentation or TargetKind.Detection)
            throw new ArgumentException(
                $"AugmentTargets {AugmentTargets} moves regression targets; this dataset holds {TargetsOf(train)}, which the augmentation " +
                "moves with the pixels by itself. Leave AugmentTargets None.", nameof(AugmentTargets));
        if (!train.IsRegression)
            throw new ArgumentException($"AugmentTargets {AugmentTargets} moves regression targets; this dataset holds class labels (use None).", nameof(AugmentTargets));
        int group = AugmentTargets == AugmentTargets.Keypoints ? 2 : 4;
        if (train.TargetCount % group != 0)
            throw new ArgumentException(
                $"AugmentTargets {AugmentTargets} reads the targets in groups of {group}; this dataset has {train.TargetCount} targets per image.", nameof(AugmentTargets));
    }

    private static string TargetsOf(SampleLayout train) => train.Kind switch
    {
        TargetKind.Regression => $"{train.TargetCount} regression targets per image",
        TargetKind.Segmentation => "a class map per image (segmentation)",
        _ => "boxes per image (detection)",
    };
}
