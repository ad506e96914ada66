using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// Images held in memory, pixels [count, channels, height, width] as floats, with one of two kinds of target:
/// <list type="bullet">
/// <item>classification (the constructor): one class index 0 … classes − 1 per image, and the class names;</item>
/// <item>regression (<see cref="ForRegression"/>): <see cref="TargetCount"/> float values per image, e.g. keypoint coordinates.</item>
/// </list>
/// What belongs to the other kind is empty: a regression dataset has no <see cref="ClassNames"/> (<see cref="ClassCount"/> 0),
/// a classification dataset has <see cref="TargetCount"/> 0; reading <see cref="Labels"/> or <see cref="Targets"/> of the
/// other kind throws. Batches are gathered by index into caller-owned tensors, so training allocates nothing per batch.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[] _pixels;
    private readonly int[]? _labels;     // classification: [count]
    private readonly float[]? _targets;  // regression: [count, TargetCount]

    /// <summary>A classification dataset: <paramref name="labels"/>[i] is the class of image i.</summary>
    public ImageDataset(float[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (labels.Length == 0) throw new ArgumentException("The dataset is empty: no labels were given.", nameof(labels));
        ImageSize = CheckedImageSize(channels, height, width);
        if (pixels.Length != (long)labels.Length * ImageSize)
            throw new ArgumentException(
                $"{labels.Length} images of {channels}×{height}×{width} need {(long)labels.Length * ImageSize} pixels; {pixels.Length} were given.",
                nameof(pixels));
        if (classNames.Count < 2) throw new ArgumentException($"A classifier needs at least two classes; {classNames.Count} were given.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0 … {classNames.Count - 1}.", nameof(labels));
        _pixels = pixels;
        _labels = labels;
        Count = labels.Length;
        Channels = channels; Height = height; Width = width;
        ClassNames = classNames;
    }

    private ImageDataset(float[] pixels, float[] targets, int targetCount, int channels, int height, int width)
    {
        _pixels = pixels;
        _targets = targets;
        TargetCount = targetCount;
        Channels = channels; Height = height; Width = width;
        ImageSize = channels * height * width;
        Count = pixels.Length / ImageSize;
    }

    /// <summary>
    /// A regression dataset: <paramref name="targets"/> [count, targetCount] holds the <paramref name="targetCount"/> finite
    /// values image i must map to at targets[i·targetCount …]; the count of images comes from <paramref name="pixels"/>.
    /// </summary>
    public static ImageDataset ForRegression(float[] pixels, float[] targets, int targetCount, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(targets);
        int imageSize = CheckedImageSize(channels, height, width);
        Require.Positive(targetCount, nameof(targetCount));
        if (pixels.Length == 0) throw new ArgumentException("The dataset is empty: no pixels were given.", nameof(pixels));
        if (pixels.Length % imageSize != 0)
            throw new ArgumentException(
                $"{pixels.Length} pixels are not a whole number of {channels}×{height}×{width} images ({imageSize} pixels each).", nameof(pixels));
        int count = pixels.Length / imageSize;
        if (targets.Length != (long)count * targetCount)
            throw new ArgumentException(
                $"{count} images with {targetCount} targets each need {(long)count * targetCount} target values; {targets.Length} were given.",
                nameof(targets));
        for (int i = 0; i < targets.Length; i++)
            if (!float.IsFinite(targets[i]))
                throw new ArgumentException(
                    $"Target {i % targetCount} of image {i / targetCount} is {targets[i]}; regression targets must be finite.", nameof(targets));
        return new ImageDataset(pixels, targets, targetCount, channels, height, width);
    }

    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ImageSize { get; }
    public bool IsRegression => _targets is not null;

    /// <summary>Values per image of a regression dataset (the network's output is [batch, TargetCount]); 0 for classification.</summary>
    public int TargetCount { get; }

    /// <summary>The class names of a classification dataset; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; } = [];

    public int ClassCount => ClassNames.Count;

    /// <summary>The class of every image (classification only).</summary>
    public ReadOnlySpan<int> Labels =>
        _labels ?? throw new InvalidOperationException("This dataset holds regression targets, not class labels (see Targets).");

    public ReadOnlySpan<float> Pixels(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The pixels of image <paramref name="index"/> as memory, for code that holds them across calls (enumerations).</summary>
    internal ReadOnlyMemory<float> PixelMemory(int index) => _pixels.AsMemory(index * ImageSize, ImageSize);

    /// <summary>The <see cref="TargetCount"/> values of image <paramref name="index"/> (regression only).</summary>
    public ReadOnlySpan<float> Targets(int index) =>
        (_targets ?? throw new InvalidOperationException("This dataset holds class labels, not regression targets (see Labels)."))
        .AsSpan(index * TargetCount, TargetCount);

    /// <summary>The target tensor of a batch of <paramref name="count"/> images: labels [count] (class indices as floats) or targets [count, TargetCount].</summary>
    public TensorShape TargetShape(int count) => IsRegression ? new TensorShape(count, TargetCount) : new TensorShape(count);

    /// <summary>Copies the images and targets at <paramref name="indices"/> into images [n, C, H, W] and targets (shape <see cref="TargetShape"/>(n)).</summary>
    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        Require.Shape(images, new TensorShape(indices.Length, Channels, Height, Width), nameof(images));
        Require.Shape(targets, TargetShape(indices.Length), nameof(targets));
        var imageSpan = images.Span;
        var targetSpan = targets.Span;
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels(indices[i]).CopyTo(imageSpan.Slice(i * ImageSize, ImageSize));
            if (_labels is not null) targetSpan[i] = _labels[indices[i]];
            else Targets(indices[i]).CopyTo(targetSpan.Slice(i * TargetCount, TargetCount));
        }
    }

    /// <summary>
    /// <paramref name="count"/> images spread evenly over the dataset (every Count / count-th, so a dataset stored class
    /// by class or shuffled gives all classes), as one tensor [count, C, H, W]: e.g. the calibration sample of int8
    /// quantization. All images when <paramref name="count"/> ≥ <see cref="Count"/>.
    /// </summary>
    public Tensor EvenlySpacedImages(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        count = Math.Min(count, Count);
        int step = Count / count;
        var images = new Tensor(count, Channels, Height, Width);
        for (int i = 0; i < count; i++) Pixels(i * step).CopyTo(images.Span.Slice(i * ImageSize, ImageSize));
        return images;
    }

    /// <summary>These images with (x − mean[c]) / std[c] applied, targets kept (the dataset itself when the normalization is the identity).</summary>
    public ImageDataset Normalized(MLNet.Cnn.Models.Normalization n)
    {
        if (n.Mean.All(m => m == 0) && n.Std.All(s => s == 1)) return this;
        int plane = Height * Width;
        var pixels = new float[Count * ImageSize];
        for (int i = 0; i < Count; i++)
        {
            var source = Pixels(i);
            var target = pixels.AsSpan(i * ImageSize, ImageSize);
            for (int c = 0; c < Channels; c++)
            {
                float mean = n.Mean[c], std = n.Std[c];
                for (int k = c * plane; k < (c + 1) * plane; k++) target[k] = (source[k] - mean) / std;
            }
        }
        return _targets is null
            ? new ImageDataset(pixels, _labels!.ToArray(), Channels, Height, Width, ClassNames)
            : ForRegression(pixels, _targets.ToArray(), TargetCount, Channels, Height, Width);
    }

    /// <summary>The images at <paramref name="indices"/>, with their targets, as a new dataset sharing nothing with this one.</summary>
    public ImageDataset Subset(ReadOnlySpan<int> indices)
    {
        var pixels = Rows(_pixels, ImageSize, indices);
        return _targets is null
            ? new ImageDataset(pixels, Rows(_labels!, 1, indices), Channels, Height, Width, ClassNames)
            : ForRegression(pixels, Rows(_targets, TargetCount, indices), TargetCount, Channels, Height, Width);
    }

    /// <summary>A seeded, stratification-free split: the first part gets 1 − fraction of the images.</summary>
    public (ImageDataset Train, ImageDataset Validation) Split(double validationFraction, int seed)
    {
        if (validationFraction is <= 0 or >= 1)
            throw new ArgumentException($"validationFraction must be in (0, 1); {validationFraction} was given.", nameof(validationFraction));
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int validation = Math.Max(1, (int)Math.Round(Count * validationFraction));
        return (Subset(order.AsSpan(validation)), Subset(order.AsSpan(0, validation)));
    }

    /// <summary>The same kind of targets, the same classes or target count, and the same image shape.</summary>
    internal bool HasLayoutOf(ImageDataset other) =>
        (IsRegression, ClassCount, TargetCount, Channels, Height, Width) ==
        (other.IsRegression, other.ClassCount, other.TargetCount, other.Channels, other.Height, other.Width);

    /// <summary>"3 classes of 1×28×28 images" or "1×8×8 images with 2 regression targets", for errors.</summary>
    internal string Layout => IsRegression
        ? $"{Channels}×{Height}×{Width} images with {TargetCount} regression targets"
        : $"{ClassCount} classes of {Channels}×{Height}×{Width} images";

    private static int CheckedImageSize(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape {channels}×{height}×{width} must be positive.", nameof(channels));
        return channels * height * width;
    }

    /// <summary>Rows <paramref name="indices"/> of <paramref name="source"/> [rows, rowLength], stacked into a new array [indices.Length, rowLength].</summary>
    private static T[] Rows<T>(T[] source, int rowLength, ReadOnlySpan<int> indices)
    {
        var rows = new T[(long)indices.Length * rowLength];
        for (int i = 0; i < indices.Length; i++)
            source.AsSpan(indices[i] * rowLength, rowLength).CopyTo(rows.AsSpan(i * rowLength, rowLength));
        return rows;
    }
}
