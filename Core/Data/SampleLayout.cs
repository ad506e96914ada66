using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// What one sample of a data source is: an image [<see cref="Channels"/>, <see cref="Height"/>, <see cref="Width"/>] and
/// its target, of one of two kinds:
/// <list type="bullet">
/// <item>classification (<see cref="Classification"/>): a class index 0 … <see cref="ClassCount"/> − 1, stored in a batch's
/// target tensor [n] as a float; <see cref="TargetCount"/> is 0;</item>
/// <item>regression (<see cref="Regression"/>): <see cref="TargetCount"/> float values, target tensor [n, TargetCount];
/// <see cref="ClassNames"/> is empty.</item>
/// </list>
/// </summary>
public sealed class SampleLayout
{
    private SampleLayout(int channels, int height, int width, IReadOnlyList<string> classNames, int targetCount)
    {
        (Channels, Height, Width, ClassNames, TargetCount) = (channels, height, width, classNames, targetCount);
        ImageSize = channels * height * width;
    }

    /// <summary>Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>, each of one of the (at least two) <paramref name="classNames"/>.</summary>
    public static SampleLayout Classification(int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        CheckedImageSize(channels, height, width);
        if (classNames.Count < 2) throw new ArgumentException($"A classifier needs at least two classes; {classNames.Count} were given.", nameof(classNames));
        return new SampleLayout(channels, height, width, classNames, 0);
    }

    /// <summary>Images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>, each with <paramref name="targetCount"/> regression targets.</summary>
    public static SampleLayout Regression(int channels, int height, int width, int targetCount)
    {
        CheckedImageSize(channels, height, width);
        Require.Positive(targetCount, nameof(targetCount));
        return new SampleLayout(channels, height, width, [], targetCount);
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Floats per image: Channels · Height · Width.</summary>
    public int ImageSize { get; }

    public bool IsRegression => TargetCount > 0;

    /// <summary>Values per image of regression (the network's output is [batch, TargetCount]); 0 for classification.</summary>
    public int TargetCount { get; }

    /// <summary>The class names of classification; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int ClassCount => ClassNames.Count;

    /// <summary>The image tensor of a batch of <paramref name="count"/> samples: [count, C, H, W].</summary>
    public TensorShape ImageShape(int count) => new(count, Channels, Height, Width);

    /// <summary>The target tensor of a batch of <paramref name="count"/> samples: labels [count] (class indices as floats) or targets [count, TargetCount].</summary>
    public TensorShape TargetShape(int count) => IsRegression ? new TensorShape(count, TargetCount) : new TensorShape(count);

    /// <summary>The same kind of targets, the same class count or target count, and the same image shape (class names may differ).</summary>
    public bool Matches(SampleLayout other) =>
        (IsRegression, ClassCount, TargetCount, Channels, Height, Width) ==
        (other.IsRegression, other.ClassCount, other.TargetCount, other.Channels, other.Height, other.Width);

    /// <summary>"3 classes of 1×28×28 images" or "1×8×8 images with 2 regression targets", for errors.</summary>
    public override string ToString() => IsRegression
        ? $"{Channels}×{Height}×{Width} images with {TargetCount} regression targets"
        : $"{ClassCount} classes of {Channels}×{Height}×{Width} images";

    /// <summary>Channels · height · width, refused unless all three are positive.</summary>
    internal static int CheckedImageSize(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape {channels}×{height}×{width} must be positive.", nameof(channels));
        return channels * height * width;
    }
}
