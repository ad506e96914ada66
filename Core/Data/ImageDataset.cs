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
/// The in-memory <see cref="IBatchSource"/>.
/// </summary>
public sealed class ImageDataset : IBatchSource
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
        int imageSize = SampleLayout.CheckedImageSize(channels, height, width);
        if (pixels.Length != (long)labels.Length * imageSize)
            throw new ArgumentException(
                $"{labels.Length} images of {channels}×{height}×{width} need {(long)labels.Length * imageSize} pixels; {pixels.Length} were given.",
                nameof(pixels));
        Layout = SampleLayout.Classification(channels, height, width, classNames);
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0 … {classNames.Count - 1}.", nameof(labels));
        _pixels = pixels;
        _labels = labels;
        Count = labels.Length;
    }

    private ImageDataset(float[] pixels, float[] targets, SampleLayout layout)
    {
        _pixels = pixels;
        _targets = targets;
        Layout = layout;
        Count = pixels.Length / layout.ImageSize;
    }

    /// <summary>
    /// A regression dataset: <paramref name="targets"/> [count, targetCount] holds the <paramref name="targetCount"/> finite
    /// values image i must map to at targets[i·targetCount …]; the count of images comes from <paramref name="pixels"/>.
    /// </summary>
    public static ImageDataset ForRegression(float[] pixels, float[] targets, int targetCount, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(targets);
        var layout = SampleLayout.Regression(channels, height, width, targetCount);
        int imageSize = layout.ImageSize;
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
        return new ImageDataset(pixels, targets, layout);
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The image shape and the kind of targets; the properties below read it.</summary>
    public SampleLayout Layout { get; }

    /// <summary>C, the channels of every image.</summary>
    public int Channels => Layout.Channels;
    /// <summary>H, the height of every image in pixels.</summary>
    public int Height => Layout.Height;
    /// <summary>W, the width of every image in pixels.</summary>
    public int Width => Layout.Width;
    /// <summary>C·H·W, the floats per image.</summary>
    public int ImageSize => Layout.ImageSize;
    /// <summary>True when the targets are regression values rather than class labels.</summary>
    public bool IsRegression => Layout.IsRegression;

    /// <summary>Values per image of a regression dataset (the network's output is [batch, TargetCount]); 0 for classification.</summary>
    public int TargetCount => Layout.TargetCount;

    /// <summary>The class names of a classification dataset; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames => Layout.ClassNames;

    /// <summary>The number of classes (0 for regression).</summary>
    public int ClassCount => Layout.ClassCount;

    /// <summary>The class of every image (classification only).</summary>
    public ReadOnlySpan<int> Labels =>
        _labels ?? throw new InvalidOperationException("This dataset holds regression targets, not class labels (see Targets).");

    /// <summary>Image <paramref name="index"/> as C·H·W floats in [C, H, W] order.</summary>
    public ReadOnlySpan<float> Pixels(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The pixels of image <paramref name="index"/> as memory, for code that holds them across calls (enumerations).</summary>
    internal ReadOnlyMemory<float> PixelMemory(int index) => _pixels.AsMemory(index * ImageSize, ImageSize);

    /// <summary>The <see cref="TargetCount"/> values of image <paramref name="index"/> (regression only).</summary>
    public ReadOnlySpan<float> Targets(int index) =>
        (_targets ?? throw new InvalidOperationException("This dataset holds class labels, not regression targets (see Labels)."))
        .AsSpan(index * TargetCount, TargetCount);

    /// <summary>The target tensor of a batch of <paramref name="count"/> images: labels [count] (class indices as floats) or targets [count, TargetCount].</summary>
    public TensorShape TargetShape(int count) => Layout.TargetShape(count);

    /// <summary>Copies the images and targets at <paramref name="indices"/> into images [n, C, H, W] and targets (shape <see cref="TargetShape"/>(n)).</summary>
    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        Require.Shape(images, Layout.ImageShape(indices.Length), nameof(images));
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
        var pixels = new float[Count * ImageSize];
        for (int i = 0; i < Count; i++) n.Apply(Pixels(i), pixels.AsSpan(i * ImageSize, ImageSize));
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

    /// <summary>A seeded, stratification-free split (<see cref="SubsetSource.SplitIndices"/>), copied: the first part gets 1 − fraction of the images.</summary>
    public (ImageDataset Train, ImageDataset Validation) Split(double validationFraction, int seed)
    {
        var (train, validation) = SubsetSource.SplitIndices(Count, validationFraction, seed);
        return (Subset(train), Subset(validation));
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
