using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Trainers;

/// <summary>The kinds of feature column a CNN trainer takes.</summary>
internal enum InputKind
{
    /// <summary>A known-size float vector of C·H·W pixels in [C, H, W] order, used as it is.</summary>
    Pixels,

    /// <summary>An MLImage column (LoadImages).</summary>
    Image,

    /// <summary>Encoded image files as bytes: byte[] / VarVector&lt;byte&gt; (Model Builder's ImageSource, LoadRawImageBytes).</summary>
    EncodedBytes,
}

/// <summary>
/// Where a trainer's pixels come from. A float vector column is used as it is. An image column — an MLImage (LoadImages)
/// or encoded bytes (decoded first by <see cref="EncodedImageMapping"/>) — goes through built-in ImageAnalytics steps:
/// ResizeImages to Width×Height (stretched, as torchvision’s Resize((h, w)) does), ConvertToGrayscale when Channels = 1,
/// and ExtractPixels in planar [C, H, W] order, channels R, G, B. Training reads the pixels unscaled (0 … 255, stored as
/// bytes in the pixel cache, then multiplied by <see cref="CnnTrainerOptions.ImagePixelScale"/>); the scoring chain
/// starts with the same steps with the scale in ExtractPixels, so scoring takes the same images.
/// </summary>
internal static class ImageInput
{
    /// <summary>The pixel column the network reads when the input is an image (internal to the scoring chain).</summary>
    public const string PixelColumnName = "CnnPixels";
    private const string ResizedColumnName = "CnnResizedImage";

    /// <summary>The kind of a feature column's type; null when no CNN trainer takes it.</summary>
    public static InputKind? KindOf(DataViewType type) => type switch
    {
        ImageDataViewType => InputKind.Image,
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => InputKind.EncodedBytes,
        VectorDataViewType { ItemType: var item, IsKnownSize: true } when item == NumberDataViewType.Single => InputKind.Pixels,
        _ => null,
    };

    /// <summary>The same for a column of a <see cref="SchemaShape"/> (whose vectors have no size).</summary>
    public static InputKind? KindOf(SchemaShape.Column column) => column switch
    {
        { ItemType: ImageDataViewType } => InputKind.Image,
        { Kind: not SchemaShape.Column.VectorKind.Scalar, ItemType: var item } when item == NumberDataViewType.Byte => InputKind.EncodedBytes,
        { Kind: SchemaShape.Column.VectorKind.Vector, ItemType: var item } when item == NumberDataViewType.Single => InputKind.Pixels,
        _ => null,
    };

    /// <summary>The columns <see cref="ToPixels"/> adds for an image column of this kind, which the scoring chain drops at its end.</summary>
    public static string[] InternalColumns(InputKind kind) => kind switch
    {
        InputKind.Image => [ResizedColumnName, PixelColumnName],
        InputKind.EncodedBytes => [EncodedImageMapping.EncodedColumnName, EncodedImageMapping.DecodedColumnName, ResizedColumnName, PixelColumnName],
        _ => [],
    };

    /// <summary>How the pixel cache stores what the training chain reads: bytes for images, floats for pixel vectors.</summary>
    public static PixelStorage Storage(InputKind kind) => kind == InputKind.Pixels ? PixelStorage.Floats : PixelStorage.Bytes;

    /// <summary>
    /// The built-in steps from the image column to <see cref="PixelColumnName"/>, with pixels scaled by
    /// <paramref name="scale"/> (1 for training's byte cache, <see cref="CnnTrainerOptions.ImagePixelScale"/> for scoring).
    /// </summary>
    public static IEstimator<ITransformer> ToPixels(MLContext ml, CnnTrainerOptions o, InputKind kind, TensorShape image, float scale)
    {
        string source = o.FeatureColumnName;
        IEstimator<ITransformer>? decode = null;
        if (kind == InputKind.EncodedBytes)
        {
            decode = ml.Transforms.CopyColumns(EncodedImageMapping.EncodedColumnName, o.FeatureColumnName)
                .Append(ml.Transforms.CustomMapping(new EncodedImageMapping().GetMapping(), EncodedImageMapping.ContractName));
            source = EncodedImageMapping.DecodedColumnName;
        }
        var pixels = ImagePixels.Steps(ml.Transforms, o.FeatureColumnName, source, ResizedColumnName, PixelColumnName, image[0], image[1], image[2], scale);
        return decode is null ? pixels : decode.Append(pixels);
    }
}
