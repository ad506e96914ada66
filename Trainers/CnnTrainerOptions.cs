using Microsoft.ML;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What every CNN trainer needs: the columns, the image geometry and the network, plus every training option of the core
/// (<see cref="TrainerOptions"/>: epochs, batch size, seed, optimizer, schedule, loss, validation, early stopping,
/// augmentation, mixing, pruning, progress …), which these options inherit rather than copy. The defaults train a small
/// CNN well. The trainer hands these options themselves to the core, changing only <see cref="TrainerOptions.Progress"/>
/// (also written to <c>MLContext.Log</c>), <see cref="TrainerOptions.Augmentation"/> (pipeline steps first) and
/// <see cref="TrainerOptions.ValidationFraction"/> (0 when <see cref="ValidationSet"/> is given).
/// </summary>
public abstract record CnnTrainerOptions : TrainerOptions
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
    /// network of your own; it is initialized with <see cref="TrainerOptions.Seed"/>. Default: LeNet-5.
    /// </summary>
    public Func<int, int, int, int, Layer>? Network { get; init; }

    /// <summary>
    /// Rows to validate on after every epoch, with the same columns as the trainer's input (so: already through the
    /// pipeline's earlier steps, e.g. <c>prefix.Fit(train).Transform(validation)</c>). Takes precedence over
    /// <see cref="TrainerOptions.ValidationFraction"/>.
    /// </summary>
    public IDataView? ValidationSet { get; init; }
}
