using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// Labelled images held in memory: pixels [count, channels, height, width] as floats, labels 0 … classes − 1,
/// and the class names. Batches are gathered by index into caller-owned tensors, so training allocates nothing per batch.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[] _pixels;
    private readonly int[] _labels;

    public ImageDataset(float[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (labels.Length == 0) throw new ArgumentException("The dataset is empty: no labels were given.", nameof(labels));
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape {channels}×{height}×{width} must be positive.", nameof(channels));
        ImageSize = channels * height * width;
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
        Channels = channels; Height = height; Width = width;
        ClassNames = classNames;
    }

    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ImageSize { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int ClassCount => ClassNames.Count;
    public ReadOnlySpan<int> Labels => _labels;
    public ReadOnlySpan<float> Pixels(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>Copies the images and labels at <paramref name="indices"/> into images [n, C, H, W] and labels [n] (as floats).</summary>
    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor labels)
    {
        var expected = new TensorShape(indices.Length, Channels, Height, Width);
        Require.Shape(images, expected, nameof(images));
        Require.Shape(labels, new TensorShape(indices.Length), nameof(labels));
        var imageSpan = images.Span;
        var labelSpan = labels.Span;
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels(indices[i]).CopyTo(imageSpan.Slice(i * ImageSize, ImageSize));
            labelSpan[i] = _labels[indices[i]];
        }
    }

    /// <summary>The images at <paramref name="indices"/> as a new dataset sharing nothing with this one.</summary>
    public ImageDataset Subset(ReadOnlySpan<int> indices)
    {
        var pixels = new float[(long)indices.Length * ImageSize];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize, ImageSize));
            labels[i] = _labels[indices[i]];
        }
        return new ImageDataset(pixels, labels, Channels, Height, Width, ClassNames);
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
}
