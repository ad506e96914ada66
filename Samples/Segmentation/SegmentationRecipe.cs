using MLNet.Cnn.Segmentation;

namespace MLNet.Cnn.Samples.Segmentation;

/// <summary>
/// The segmentation network's hyper-parameters, in one place: a UNet (SegmentationNetworks.UNet) on
/// DetectionBackbones.Small, pixel cross-entropy with the ignore label 255 (the default loss of a segmentation source),
/// AdamW on a cosine schedule over streamed scenes. The command line overrides the budget (scenes, epochs, minutes)
/// and the backbone width.
/// </summary>
internal sealed record SegmentationRecipe
{
    /// <summary>The backbone's first-stage width (stages: width·1, 2, 4, 8, 8).</summary>
    public int Width { get; init; } = 16;

    /// <summary>Channels of the decoder's convolutions.</summary>
    public int DecoderWidth { get; init; } = 32;

    /// <summary>
    /// Bilinear: the 1×1 class scores run at stride 2 and only the 11 score maps are upsampled to full size, where a
    /// transposed convolution would run at full size on <see cref="DecoderWidth"/> channels (measured on 2 busy cores:
    /// 70 against 55 images/s).
    /// </summary>
    public SegmentationDecoder Decoder { get; init; } = SegmentationDecoder.Bilinear;

    public float LearningRate { get; init; } = 3e-3f;
    public float WeightDecay { get; init; } = 5e-4f;
    public int BatchSize { get; init; } = 32;

    /// <summary>Training scenes per epoch, rendered as they are read (none held in memory).</summary>
    public int Scenes { get; init; } = 400_000;

    public int Epochs { get; init; } = 1;

    /// <summary>The training time budget; the cosine schedule is laid out over the steps that fit.</summary>
    public double Minutes { get; init; } = 10;

    /// <summary>The recipe with the command line's overrides.</summary>
    public SegmentationRecipe With(SceneSampleOptions options) => this with
    {
        Scenes = options.Scenes ?? Scenes, Epochs = options.Epochs ?? Epochs, Minutes = options.Minutes ?? Minutes, Width = options.Width ?? Width,
    };
}
