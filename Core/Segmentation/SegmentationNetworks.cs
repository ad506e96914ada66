using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Segmentation;

/// <summary>
/// Segmentation networks on any backbone, built from the backbone's stages (<see cref="BackboneStages.Split"/>) and
/// existing layers only, so model files, <see cref="LayerPaths"/>, freezing and ONNX export work on them as on any network.
/// Both give per-pixel class scores [N, classes, H, W] for an input [N, C, H, W] whose sides are multiples of the
/// backbone's largest stride. The new layers are initialized from <c>seed</c>; the backbone's weights are left as they are
/// (initialize a from-scratch backbone before, or use a trained one), so do not run <see cref="Training.Initializer"/> over
/// the result.
/// </summary>
public static class SegmentationNetworks
{
    /// <summary>
    /// UNet on a backbone: the encoder is the backbone's stages; the decoder goes up one stage at a time (transposed
    /// convolution or bilinear upsampling by the stride ratio, usually 2×), concatenates the encoder's map of that stride
    /// (skip first) and applies conv3×3 → BN → ReLU at <paramref name="decoderWidth"/> channels; then up from the shallowest
    /// stage's stride to the input size and a 1×1 convolution to the classes. With bilinear decoding the 1×1 convolution
    /// runs before the final upsampling (the same result, both being linear per pixel, on fewer channels).
    /// </summary>
    public static Sequential UNet(IReadOnlyList<BackboneStage> stages, int classes,
        SegmentationDecoder decoder = SegmentationDecoder.TransposedConvolution, int decoderWidth = 32, int seed = 0)
    {
        Check(stages, classes, decoder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decoderWidth);
        var layers = new List<Layer> { TopDownPath.Build(stages, 0, decoderWidth, (name, channels, factor) => Up(name, channels, factor, decoder)) };
        int stride = stages[0].Stride;
        var scores = new Conv2dLayer("classifier", decoderWidth, classes, 1);
        if (stride == 1) layers.Add(scores);
        else if (decoder == SegmentationDecoder.TransposedConvolution) layers.AddRange([Up("final_up", decoderWidth, stride, decoder), scores]);
        else layers.AddRange([scores, Up("final_up", classes, stride, decoder)]);
        return Initialized(new Sequential("unet", [.. layers]), stages, seed);
    }

    /// <summary>The UNet of <paramref name="backbone"/>'s stages for images of shape <paramref name="input"/> [C, H, W].</summary>
    public static Sequential UNet(Layer backbone, TensorShape input, int classes,
        SegmentationDecoder decoder = SegmentationDecoder.TransposedConvolution, int decoderWidth = 32, int seed = 0) =>
        UNet(BackboneStages.Split(backbone, input), classes, decoder, decoderWidth, seed);

    /// <summary>
    /// FCN-8s-like (Long et al., 2015): 1×1 class scores from the last three stages (deepest first), each upsampled to the
    /// next shallower one's stride (transposed convolution or bilinear, by the stride ratio) and added to that stage's
    /// scores (a <see cref="Residual"/> whose shortcut is the 1×1 score convolution), then bilinear upsampling from the
    /// shallowest of the three to the input size. A backbone of fewer stages uses the ones it has (one: FCN-32s-like).
    /// </summary>
    public static Sequential Fcn(IReadOnlyList<BackboneStage> stages, int classes,
        SegmentationDecoder decoder = SegmentationDecoder.Bilinear, int seed = 0)
    {
        Check(stages, classes, decoder);
        int first = Math.Max(0, stages.Count - 3);
        var layers = new List<Layer>(stages.Take(first).Select(s => s.Layer)) { Scores(stages, first, classes, decoder) };
        int stride = stages[first].Stride;
        if (stride > 1) layers.Add(Up("final_up", classes, stride, SegmentationDecoder.Bilinear));
        return Initialized(new Sequential("fcn", [.. layers]), stages, seed);
    }

    /// <summary>The FCN of <paramref name="backbone"/>'s stages for images of shape <paramref name="input"/> [C, H, W].</summary>
    public static Sequential Fcn(Layer backbone, TensorShape input, int classes,
        SegmentationDecoder decoder = SegmentationDecoder.Bilinear, int seed = 0) =>
        Fcn(BackboneStages.Split(backbone, input), classes, decoder, seed);

    /// <summary>
    /// Stage <paramref name="index"/> and the deeper ones → class scores at its stride: stage, then
    /// score(x) + up(deeper scores(x)), or just score(x) at the deepest stage.
    /// </summary>
    private static Layer Scores(IReadOnlyList<BackboneStage> stages, int index, int classes, SegmentationDecoder decoder)
    {
        var stage = stages[index];
        var score = new Conv2dLayer($"score{stage.Stride}", stage.Channels, classes, 1);
        if (index == stages.Count - 1) return new Sequential($"level{stage.Stride}", stage.Layer, score);
        var deeper = new Sequential($"top_down{stage.Stride}",
            Scores(stages, index + 1, classes, decoder),
            Up($"up{stage.Stride}", classes, stages[index + 1].Stride / stage.Stride, decoder));
        return new Sequential($"level{stage.Stride}", stage.Layer, new Residual($"sum{stage.Stride}", deeper, score));
    }

    private static Layer Up(string name, int channels, int factor, SegmentationDecoder decoder) => decoder == SegmentationDecoder.Bilinear
        ? new UpsampleLayer(name, factor, UpsampleMode.Bilinear)
        : new ConvTranspose2dLayer(name, channels, channels, factor, factor);

    private static void Check(IReadOnlyList<BackboneStage> stages, int classes, SegmentationDecoder decoder)
    {
        TopDownPath.RequireStages(stages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!Enum.IsDefined(decoder))
            throw new ArgumentException($"decoder {(int)decoder} is not a {nameof(SegmentationDecoder)}.", nameof(decoder));
    }

    private static Sequential Initialized(Sequential network, IReadOnlyList<BackboneStage> stages, int seed)
    {
        TopDownPath.InitializeAllBut(network, stages, seed);
        return network;
    }
}
