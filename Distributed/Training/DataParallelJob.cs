using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// Everything a worker needs to build its replica, as plain values that travel between silos: the network as model-file
/// bytes (<see cref="ModelFile"/>: the same initial weights on every worker), the training images and labels, and the
/// options that matter. An augmentation and an optimizer are code, which does not travel: the job names them
/// (<see cref="Augmentation"/>, <see cref="Optimizer"/>) and every silo makes them from the factories it registered
/// under those names (<see cref="TrainingComponents"/>). The images travel with the job, which suits data of megabytes; the data of a large run
/// would be read by every worker from shared storage instead.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DataParallelJob
{
    /// <summary>The network with its initial weights, as written by <see cref="ModelFile.Save(CnnModel, Stream)"/>.</summary>
    [Id(0)] public required byte[] Model { get; init; }
    /// <summary>The training images [count, C, H, W], flattened.</summary>
    [Id(1)] public required float[] Pixels { get; init; }
    /// <summary>The class of each image.</summary>
    [Id(2)] public required int[] Labels { get; init; }
    /// <summary>The class names, in label order.</summary>
    [Id(3)] public required string[] ClassNames { get; init; }
    /// <summary>The images' channels, height and width.</summary>
    [Id(4)] public required int Channels { get; init; }
    /// <inheritdoc cref="Channels"/>
    [Id(5)] public required int Height { get; init; }
    /// <inheritdoc cref="Channels"/>
    [Id(6)] public required int Width { get; init; }
    /// <summary><see cref="TrainerOptions.Epochs"/>.</summary>
    [Id(7)] public int Epochs { get; init; } = 1;
    /// <summary>The global batch: <see cref="TrainerOptions.BatchSize"/> of the single process it equals.</summary>
    [Id(8)] public int BatchSize { get; init; } = 64;
    /// <summary><see cref="TrainerOptions.Seed"/>.</summary>
    [Id(9)] public int Seed { get; init; } = 1;
    /// <summary><see cref="TrainerOptions.LearningRate"/>.</summary>
    [Id(10)] public float LearningRate { get; init; } = 1e-3f;
    /// <summary><see cref="TrainerOptions.WeightDecay"/>.</summary>
    [Id(11)] public float WeightDecay { get; init; } = 0.01f;
    /// <summary>The checkpoint folder, one that every silo reaches (shared storage); null for none.</summary>
    [Id(12)] public string? CheckpointDirectory { get; init; }
    /// <summary>Write a checkpoint after every this many steps (with <see cref="CheckpointDirectory"/>).</summary>
    [Id(13)] public int CheckpointEvery { get; init; } = 100;
    /// <summary>The name of the augmentation every silo registered (<see cref="TrainingComponents.AddAugmentation"/>); null for none.</summary>
    [Id(14)] public string? Augmentation { get; init; }
    /// <summary>
    /// The name of the optimizer every silo registered (<see cref="TrainingComponents.AddOptimizer"/>); null for the
    /// trainer's default, AdamW with <see cref="LearningRate"/> and <see cref="WeightDecay"/>.
    /// </summary>
    [Id(15)] public string? Optimizer { get; init; }

    /// <summary>
    /// The options of the job's values, without the named components (<see cref="TrainingComponents.OptionsFor"/> adds
    /// them: those are the options a replica and the single process it equals train with).
    /// </summary>
    public TrainerOptions Options => new()
    {
        Epochs = Epochs, BatchSize = BatchSize, Seed = Seed, LearningRate = LearningRate, WeightDecay = WeightDecay,
        RestoreBestWeights = false,
        Checkpoints = CheckpointDirectory is null ? null : new CheckpointOptions { Directory = CheckpointDirectory },
    };

    /// <summary>The training images as a dataset.</summary>
    public ImageDataset Data => new(Pixels, Labels, Channels, Height, Width, ClassNames);

    /// <summary>A job for <paramref name="model"/> trained on <paramref name="pixels"/> and <paramref name="labels"/>.</summary>
    public static DataParallelJob For(CnnModel model, float[] pixels, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var bytes = new MemoryStream();
        ModelFile.Save(model, bytes);
        return new DataParallelJob
        {
            Model = bytes.ToArray(), Pixels = pixels, Labels = labels, ClassNames = [.. model.ClassNames],
            Channels = model.InputShape[0], Height = model.InputShape[1], Width = model.InputShape[2],
        };
    }
}
