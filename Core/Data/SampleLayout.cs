using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// What one sample of a data source is: an image [<see cref="Channels"/>, <see cref="Height"/>, <see cref="Width"/>] and
/// its target, of one of four kinds (<see cref="Kind"/>):
/// <list type="bullet">
/// <item>classification (<see cref="Classification"/>): a class index 0 … <see cref="ClassCount"/> − 1, stored in a batch's
/// target tensor [n] as a float; <see cref="TargetCount"/> is 0;</item>
/// <item>regression (<see cref="Regression"/>): <see cref="TargetCount"/> float values, target tensor [n, TargetCount];
/// <see cref="ClassNames"/> is empty;</item>
/// <item>segmentation (<see cref="Segmentation"/>): a class index per pixel, or <see cref="IgnoreLabel"/>, as floats in a
/// target tensor [n, H, W]; the class names include the background;</item>
/// <item>detection (<see cref="Detection"/>): up to <see cref="MaxObjects"/> boxes per image, target tensor
/// [n, MaxObjects, 5] of rows (classId, x0, y0, x1, y1) in pixels of the image, padding rows (−1, 0, 0, 0, 0) after the
/// real ones (<see cref="MLNet.Cnn.Detection.DetectionTargets"/> writes and reads them).</item>
/// </list>
/// </summary>
public sealed class SampleLayout
{
    private SampleLayout(TargetKind kind, int channels, int height, int width, IReadOnlyList<string> classNames, int targetCount,
        int? ignoreLabel = null, int maxObjects = 0)
    {
        (Kind, Channels, Height, Width, ClassNames, TargetCount) = (kind, channels, height, width, classNames, targetCount);
        (IgnoreLabel, MaxObjects) = (ignoreLabel, maxObjects);
        ImageSize = channels * height * width;
    }

    /// <summary>Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>, each of one of the (at least two) <paramref name="classNames"/>.</summary>
    public static SampleLayout Classification(int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        CheckedImageSize(channels, height, width);
        if (classNames.Count < 2) throw new ArgumentException($"A classifier needs at least two classes; {classNames.Count} were given.", nameof(classNames));
        return new SampleLayout(TargetKind.Classification, channels, height, width, classNames, 0);
    }

    /// <summary>Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>, each with <paramref name="targetCount"/> regression targets.</summary>
    public static SampleLayout Regression(int channels, int height, int width, int targetCount)
    {
        CheckedImageSize(channels, height, width);
        Require.Positive(targetCount, nameof(targetCount));
        return new SampleLayout(TargetKind.Regression, channels, height, width, [], targetCount);
    }

    /// <summary>
    /// Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> with a class map [H, W]:
    /// per pixel a class index 0 … K − 1 of the (at least two) <paramref name="classNames"/>, background included, or
    /// <paramref name="ignoreLabel"/> for pixels no class is scored on (null: none; it must not be a class index).
    /// </summary>
    public static SampleLayout Segmentation(int channels, int height, int width, IReadOnlyList<string> classNames, int? ignoreLabel = 255)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        CheckedImageSize(channels, height, width);
        if (classNames.Count < 2)
            throw new ArgumentException($"Segmentation needs at least two classes (the background and one more); {classNames.Count} were given.", nameof(classNames));
        if (ignoreLabel >= 0 && ignoreLabel < classNames.Count)
            throw new ArgumentException($"The ignore label {ignoreLabel} is a class index (0 … {classNames.Count - 1}); choose a value outside them, e.g. 255.", nameof(ignoreLabel));
        return new SampleLayout(TargetKind.Segmentation, channels, height, width, classNames, 0, ignoreLabel);
    }

    /// <summary>
    /// Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>, each with at most
    /// <paramref name="maxObjects"/> boxes of the (at least one) <paramref name="classNames"/> (no background class).
    /// </summary>
    public static SampleLayout Detection(int channels, int height, int width, IReadOnlyList<string> classNames, int maxObjects)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        CheckedImageSize(channels, height, width);
        if (classNames.Count < 1) throw new ArgumentException("Detection needs at least one object class; none was given.", nameof(classNames));
        if (maxObjects <= 0) throw new ArgumentException($"maxObjects must be positive; {maxObjects} was given.", nameof(maxObjects));
        return new SampleLayout(TargetKind.Detection, channels, height, width, classNames, 0, maxObjects: maxObjects);
    }

    /// <summary>The kind of target, which says the target tensor's shape and what the trainer does with it.</summary>
    public TargetKind Kind { get; }

    /// <summary>C, the channels of every image.</summary>
    public int Channels { get; }
    /// <summary>H, the height of every image in pixels.</summary>
    public int Height { get; }
    /// <summary>W, the width of every image in pixels.</summary>
    public int Width { get; }

    /// <summary>Floats per image: Channels · Height · Width.</summary>
    public int ImageSize { get; }

    /// <summary>True when the targets are regression values.</summary>
    public bool IsRegression => Kind == TargetKind.Regression;

    /// <summary>Values per image of regression (the network's output is [batch, TargetCount]); 0 for classification.</summary>
    public int TargetCount { get; }

    /// <summary>The class names of classification, segmentation (background included) and detection; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of classes: the count of <see cref="ClassNames"/> (0 for regression).</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Segmentation: the class-map value of pixels that count for nothing (null: none); null for the other kinds.</summary>
    public int? IgnoreLabel { get; }

    /// <summary>Detection: the rows of a target, the most boxes an image may have; 0 for the other kinds.</summary>
    public int MaxObjects { get; }

    /// <summary>The image tensor of a batch of <paramref name="count"/> samples: [count, C, H, W].</summary>
    public TensorShape ImageShape(int count) => new(count, Channels, Height, Width);

    /// <summary>
    /// The target tensor of a batch of <paramref name="count"/> samples: labels [count] (class indices as floats), targets
    /// [count, TargetCount], class maps [count, H, W] or box rows [count, MaxObjects, 5].
    /// </summary>
    public TensorShape TargetShape(int count) => Kind switch
    {
        TargetKind.Regression => new TensorShape(count, TargetCount),
        TargetKind.Segmentation => new TensorShape(count, Height, Width),
        TargetKind.Detection => new TensorShape(count, MaxObjects, MLNet.Cnn.Detection.DetectionTargets.RowLength),
        _ => new TensorShape(count),
    };

    /// <summary>
    /// The same kind of targets, the same class count, target count, ignore label and object limit, and the same image
    /// shape (class names may differ).
    /// </summary>
    public bool Matches(SampleLayout other) =>
        (Kind, ClassCount, TargetCount, IgnoreLabel, MaxObjects, Channels, Height, Width) ==
        (other.Kind, other.ClassCount, other.TargetCount, other.IgnoreLabel, other.MaxObjects, other.Channels, other.Height, other.Width);

    /// <summary>
    /// "3 classes of 1×28×28 images", "1×8×8 images with 2 regression targets", "segmentation into 3 classes of 1×16×16
    /// images (ignore label 255)" or "detection of 2 classes in 1×16×16 images, at most 4 objects each", for errors
    /// (and for checkpoints, which compare it).
    /// </summary>
    public override string ToString() => Kind switch
    {
        TargetKind.Regression => $"{Channels}×{Height}×{Width} images with {TargetCount} regression targets",
        TargetKind.Segmentation => $"segmentation into {ClassCount} classes of {Channels}×{Height}×{Width} images " +
                                   (IgnoreLabel is { } ignore ? $"(ignore label {ignore})" : "(no ignore label)"),
        TargetKind.Detection => $"detection of {ClassCount} classes in {Channels}×{Height}×{Width} images, at most {MaxObjects} objects each",
        _ => $"{ClassCount} classes of {Channels}×{Height}×{Width} images",
    };

    /// <summary>Channels · height · width, refused unless all three are positive.</summary>
    internal static int CheckedImageSize(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape {channels}×{height}×{width} must be positive.", nameof(channels));
        return channels * height * width;
    }
}
