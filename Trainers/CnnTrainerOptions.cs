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
/// <see cref="TrainerOptions.ValidationFraction"/> (0 when <see cref="ValidationSet"/> is given) and the log of
/// <see cref="TrainerOptions.Checkpoints"/> (also written to <c>MLContext.Log</c>).
/// </summary>
public abstract record CnnTrainerOptions : TrainerOptions
{
    /// <summary>
    /// The input, one of:
    /// <list type="bullet">
    /// <item>a known-size float vector of Channels·Height·Width pixels in [C, H, W] order (what ExtractPixels writes with
    /// interleavePixelColors = false), used as it is;</item>
    /// <item>an MLImage column (LoadImages);</item>
    /// <item>encoded image files as bytes, byte[] or VarVector&lt;byte&gt; (Model Builder's <c>ImageSource</c>,
    /// <c>LoadRawImageBytes</c>).</item>
    /// </list>
    /// Images are resized to Width×Height, kept RGB (planes R, G, B) unless Channels = 1 (grayscale), and scaled by
    /// <see cref="ImagePixelScale"/>; the scoring chain then does the same, so it takes the same column.
    /// </summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>The label column; its type depends on the task (a key, a Boolean, a float or float vector, a mask).</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>
    /// The column the fitted transformer writes the scores to (default <c>Score</c>, the name ML.NET's trainers and
    /// evaluators use; pass the same name to <c>Evaluate</c> when you change it).
    /// </summary>
    public string ScoreColumnName { get; init; } = "Score";

    /// <summary>
    /// The network's input channels; null: found from the data — 3 (RGB) for images, and for a float vector of S values
    /// 1 when S is a square, 3 when S/3 is (see <see cref="Height"/>).
    /// </summary>
    public int? Channels { get; init; }

    /// <summary>
    /// The network's input height; null: found from the data — √(S/C) for a float vector of S values, the column's
    /// height for images of a known size (after ResizeImages); images of any size (LoadImages, bytes) need it set.
    /// </summary>
    public int? Height { get; init; }

    /// <summary>The network's input width; null: found as <see cref="Height"/> is.</summary>
    public int? Width { get; init; }

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

    /// <summary>
    /// Where the pixels read for training and validation are kept during <c>Fit</c> (null: the system's temporary folder).
    /// They go to a file there — a byte per pixel channel for images, a float for pixel vectors — deleted when Fit ends,
    /// so the process holds a few batches, not the dataset: 50,000 photos at 3×224×224 take 7.5 GB of disk, not of memory.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// Leave out rows whose image cannot be read (a corrupt or truncated file), each with a warning on <c>MLContext.Log</c>
    /// naming its row and path; false (default): the first such row stops <c>Fit</c> with that message.
    /// </summary>
    public bool SkipUnreadableImages { get; init; }

    /// <summary>
    /// Stops <c>Fit</c> within one batch (or one row while reading the data) with an <see cref="OperationCanceledException"/>;
    /// nothing is left half-written and the estimator can be fitted again. ML.NET's own cancellation
    /// (<c>MLContext.CancelExecution</c>) is internal to ML.NET, so this token is the public route.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }
}
