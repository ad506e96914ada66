using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// The network's input [C, H, W] from the options and the feature column, when the options leave some of it out:
/// <list type="bullet">
/// <item>a float vector of S values: the one dimension left out is S over the other two; with Height and Width left
/// out, 1×s×s when S = s² and 3×s×s when S = 3·s² (no S is both) — or s×s of the channels given; anything else must be set;</item>
/// <item>an image (MLImage or encoded bytes): 3 channels (RGB) unless Channels says 1; Height and Width from the column's
/// type when it has them (after ResizeImages), else they must be set: images are resized to them, and a size taken from
/// the first photo (often thousands of pixels) would rarely be the one meant.</item>
/// </list>
/// A geometry that cannot be found is refused with a message saying what to set.
/// </summary>
internal static class InputGeometry
{
    public static TensorShape Resolve(CnnTrainerOptions o, InputKind kind, DataViewType type)
    {
        if (kind == InputKind.Pixels) return FromVector(o, ((VectorDataViewType)type).Size);
        int channels = o.Channels ?? 3;
        var image = type as ImageDataViewType;
        int? height = o.Height ?? (image is { Height: > 0 } ? image.Height : null);
        int? width = o.Width ?? (image is { Width: > 0 } ? image.Width : null);
        if (height is not { } h || width is not { } w)
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' holds images of any size; set {nameof(CnnTrainerOptions.Height)} and " +
                $"{nameof(CnnTrainerOptions.Width)} to the size the network takes (e.g. 128 and 128, or your backbone's 224): the images are resized to it.");
        return Checked(o, channels, h, w);
    }

    /// <summary>For <c>GetOutputSchema</c>, where vectors have no size: the options' geometry, with 1 for what they leave out (the output schema does not depend on it).</summary>
    public static TensorShape Declared(CnnTrainerOptions o, InputKind kind) =>
        new(o.Channels ?? (kind == InputKind.Pixels ? 1 : 3), o.Height ?? 1, o.Width ?? 1);

    private static TensorShape FromVector(CnnTrainerOptions o, int size)
    {
        var (c, h, w) = (o.Channels, o.Height, o.Width);
        if (c is { } cc && h is { } hh && w is { } ww)
        {
            if ((long)cc * hh * ww != size)
                throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is a float vector of size {size}; " +
                    $"{nameof(CnnTrainerOptions.Channels)} × {nameof(CnnTrainerOptions.Height)} × {nameof(CnnTrainerOptions.Width)} give {(long)cc * hh * ww} = {cc}×{hh}×{ww}.");
            return Checked(o, cc, hh, ww);
        }
        // One of the three left out: the vector's size over the other two.
        if (h is { } height && w is { } width && size % (height * width) == 0) return Checked(o, size / (height * width), height, width);
        if (c is { } channels && (h ?? w) is { } side && h is null != w is null && size % (channels * side) == 0)
            return h is null ? Checked(o, channels, size / (channels * side), side) : Checked(o, channels, side, size / (channels * side));
        // Height and width left out: a square image of 1 or 3 channels (no size is both s² and 3·t²).
        if (h is null && w is null)
            foreach (int n in c is { } given ? [given] : new[] { 1, 3 })
                if (size % n == 0 && Square(size / n) is { } s) return Checked(o, n, s, s);
        throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is a float vector of size {size}, which the geometry given " +
            $"({Described(c)}×{Described(h)}×{Described(w)}) does not split into channels × height × width; set {nameof(CnnTrainerOptions.Channels)}, " +
            $"{nameof(CnnTrainerOptions.Height)} and {nameof(CnnTrainerOptions.Width)} (their product must be {size}).");
    }

    private static string Described(int? value) => value?.ToString() ?? "?";

    private static int? Square(int n)
    {
        int s = (int)Math.Round(Math.Sqrt(n));
        return s > 0 && s * s == n ? s : null;
    }

    private static TensorShape Checked(CnnTrainerOptions o, int c, int h, int w)
    {
        if (c <= 0 || h <= 0 || w <= 0)
            throw new ArgumentException($"{nameof(CnnTrainerOptions.Channels)}, {nameof(CnnTrainerOptions.Height)} and {nameof(CnnTrainerOptions.Width)} must be positive; {c}×{h}×{w} was given.");
        return new TensorShape(c, h, w);
    }
}
