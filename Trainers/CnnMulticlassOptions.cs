using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>Options of <see cref="CnnCatalog.Cnn"/>: the image geometry of the pixel column, the network and how to train it.</summary>
public sealed class CnnMulticlassOptions
{
    /// <summary>A known-size float vector of Channels·Height·Width pixels in [C, H, W] order, as ExtractPixels writes it.</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>A key-typed label column (e.g. from <c>Transforms.Conversion.MapValueToKey</c>).</summary>
    public string LabelColumnName { get; init; } = "Label";

    public int Channels { get; init; } = 1;
    public int Height { get; init; } = 28;
    public int Width { get; init; } = 28;

    /// <summary>Builds the network from (channels, height, width, classes); default LeNet-5. It is initialized with <see cref="Seed"/>.</summary>
    public Func<int, int, int, int, Layer>? Network { get; init; }

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public int Seed { get; init; } = 1;
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Share of the training rows held out to report validation loss and accuracy each epoch (0: none).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Receives the trainer's progress; every epoch end is also written to <c>MLContext.Log</c>.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Report progress every this many batches (and at every epoch end).</summary>
    public int ProgressInterval { get; init; } = 100;
}
