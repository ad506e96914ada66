using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Options of <c>MulticlassClassification.Trainers.CnnSegmentation</c>, semantic segmentation: a class per pixel.
/// <list type="bullet">
/// <item><see cref="CnnTrainerOptions.FeatureColumnName"/> ("Image"): the image — an MLImage (LoadImages), encoded bytes or
/// a pixel vector, as the other CNN trainers take it; images are stretched to <see cref="CnnTrainerOptions.Width"/> ×
/// <see cref="CnnTrainerOptions.Height"/>.</item>
/// <item><see cref="CnnTrainerOptions.LabelColumnName"/> ("Label"): the mask, a vector of one value per pixel of the image,
/// row by row (index y·width + x), either bytes — class indices 0 … K − 1 and <see cref="IgnoreLabel"/> (a PNG mask's
/// pixels), class names from <see cref="ClassNames"/> — or keys (MapValueToKey), class k the key k + 1 with the key's values
/// as class names and the missing key 0 ignored. A mask of another size than the network's is resized to it by nearest
/// neighbour, as the image is stretched.</item>
/// </list>
/// The network's output is [N, K, Height, Width]; scoring writes <c>PredictedLabel</c> (a vector of Height·Width keys, at
/// the network's resolution) and <c>Score</c> (K·Height·Width class probabilities, class by class).
/// </summary>
public sealed record CnnSegmentationOptions : CnnClassificationOptions
{
    /// <summary>Options with the columns <c>Image</c> and <c>Label</c> (the mask).</summary>
    public CnnSegmentationOptions()
    {
        FeatureColumnName = "Image";
        LabelColumnName = "Label";
    }

    /// <summary>
    /// The classes of a byte mask, background included (value k is class k); null: "0", "1", … up to the largest value
    /// found in the training masks. Unused for a key mask, whose key values name the classes.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The byte-mask value of pixels no class is scored on (borders, unlabelled areas); null: none. Must not be a class.</summary>
    public int? IgnoreLabel { get; init; } = 255;

    /// <summary>
    /// The backbone of the default network (a UNet on its stages, <c>SegmentationNetworks.UNet</c>), from (channels, height,
    /// width); null: <c>DetectionBackbones.Small</c> with 3 stages. <see cref="CnnTrainerOptions.Network"/>, when given,
    /// builds the whole network instead, from (channels, height, width, classes), with an output [N, classes, height, width].
    /// </summary>
    public Func<int, int, int, Layer>? Backbone { get; init; }
}
