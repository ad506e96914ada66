using MLNet.Cnn.Detection;

namespace MLNet.Cnn.Samples.Detection;

/// <summary>
/// The detector's hyper-parameters, in one place: the YOLO head on DetectionBackbones.Small through YoloNetwork's
/// feature pyramid, its anchors fitted by k-means, AdamW on a cosine schedule over streamed scenes. The command line
/// overrides the budget (scenes, epochs, minutes) and the backbone width.
/// </summary>
internal sealed record DetectionRecipe
{
    /// <summary>The head's cell size in pixels: a 12×12 grid on a 96×96 canvas.</summary>
    public int Stride { get; init; } = 8;

    /// <summary>Anchor shapes per cell, fitted by k-means (1 − IoU) to the boxes of <see cref="AnchorScenes"/> training scenes.</summary>
    public int Anchors { get; init; } = 5;

    public int AnchorScenes { get; init; } = 2000;

    /// <summary>The backbone's first-stage width (stages: width·1, 2, 4, 8, 8).</summary>
    public int Width { get; init; } = 24;

    /// <summary>Channels of the feature pyramid and the head's convolution.</summary>
    public int NeckWidth { get; init; } = 64;

    public float LearningRate { get; init; } = 3e-3f;
    public float WeightDecay { get; init; } = 5e-4f;
    public int BatchSize { get; init; } = 32;

    /// <summary>Training scenes per epoch, rendered as they are read (none held in memory).</summary>
    public int Scenes { get; init; } = 400_000;

    public int Epochs { get; init; } = 1;

    /// <summary>The training time budget; the cosine schedule is laid out over the steps that fit.</summary>
    public double Minutes { get; init; } = 10;

    public YoloLossOptions Loss { get; init; } = new();

    /// <summary>How detections are decoded for the metrics (score &gt; 0.05, per-class NMS at IoU 0.5, 100 per image).</summary>
    public YoloDecodeOptions Decode { get; init; } = new();

    /// <summary>The least score of a detection drawn in the pictures (the metrics read them all).</summary>
    public float DrawScore { get; init; } = 0.3f;

    /// <summary>The recipe with the command line's overrides.</summary>
    public DetectionRecipe With(SceneSampleOptions options) => this with
    {
        Scenes = options.Scenes ?? Scenes, Epochs = options.Epochs ?? Epochs, Minutes = options.Minutes ?? Minutes, Width = options.Width ?? Width,
        AnchorScenes = Math.Min(AnchorScenes, options.Scenes ?? Scenes),
    };
}
