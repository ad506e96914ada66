using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Training;

/// <summary>Everything <see cref="Trainer"/> needs besides the network and the data; the defaults train a small CNN well.</summary>
public sealed class TrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds the shuffling and the validation split: the same seed gives the same weights and metrics.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Builds the optimizer over the network's parameters; default AdamW, learning rate 1e-3.</summary>
    public Func<IReadOnlyList<Parameter>, Optimizer>? Optimizer { get; init; }

    /// <summary>Builds the learning-rate schedule from the number of batches per epoch; default constant.</summary>
    public Func<int, LearningRateSchedule>? Schedule { get; init; }

    /// <summary>Default: softmax cross-entropy on class indices for classification, mean squared error for regression.</summary>
    public ILoss? Loss { get; init; }

    /// <summary>Share of the training data held out for validation when no validation set is given (0: none).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a lower validation loss (null: never).</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>At the end, go back to the weights of the epoch with the lowest validation loss.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Stop once this much time has passed (checked after every batch).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Clip the global gradient norm to this value (null: no clipping).</summary>
    public float? GradientClipNorm { get; init; }

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Report progress every this many batches (and at every epoch end).</summary>
    public int ProgressInterval { get; init; } = 100;

    internal void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive; {Epochs} was given.", nameof(Epochs));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive; {BatchSize} was given.", nameof(BatchSize));
        if (ValidationFraction is < 0 or >= 1)
            throw new ArgumentException($"ValidationFraction must be in [0, 1); {ValidationFraction} was given.", nameof(ValidationFraction));
        if (EarlyStoppingPatience is <= 0)
            throw new ArgumentException($"EarlyStoppingPatience must be positive; {EarlyStoppingPatience} was given.", nameof(EarlyStoppingPatience));
        if (ProgressInterval <= 0)
            throw new ArgumentException($"ProgressInterval must be positive; {ProgressInterval} was given.", nameof(ProgressInterval));
    }
}
