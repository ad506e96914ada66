using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// The <see cref="IBatchSource"/> of a <see cref="PixelCache"/>: the images stay on disk, their targets (a class index or
/// a few regression values per image) in memory. Stored bytes become floats times <see cref="Scale"/>. Batches that
/// were announced (<see cref="Plan"/>) are read ahead on a worker thread (<see cref="BatchPrefetcher"/>), so a training
/// step does not wait for the disk; others are read when asked. The process holds a few batches of pixels, not the dataset.
/// Disposing the source disposes the cache.
/// </summary>
public sealed class CachedImageSource : IBatchSource, IDisposable
{
    private readonly PixelCache _cache;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private readonly int _targetSize;
    private readonly BatchPrefetcher _prefetcher;
    private readonly ThreadLocal<byte[]> _raw;

    private CachedImageSource(PixelCache cache, SampleLayout layout, int[]? labels, float[]? targets, float scale)
    {
        cache.Complete();
        if (cache.Count == 0) throw new ArgumentException($"The pixel cache '{cache.Path}' holds no images.", nameof(cache));
        if (!(scale > 0) || !float.IsFinite(scale)) throw new ArgumentException($"The scale must be positive and finite; {scale} was given.", nameof(scale));
        (_cache, Layout, _labels, _targets, Scale) = (cache, layout, labels, targets, scale);
        _targetSize = labels is null ? layout.TargetShape(1).Length : 1;
        _raw = new ThreadLocal<byte[]>(() => new byte[cache.ImageBytes]);
        _prefetcher = new BatchPrefetcher(cache.ImageSize, (indices, buffer) => ReadImages(indices, buffer.Span));
    }

    /// <summary>A classification source: image i of <paramref name="cache"/> is of class <paramref name="labels"/>[i].</summary>
    public static CachedImageSource Classification(PixelCache cache, int[] labels, IReadOnlyList<string> classNames, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(labels);
        var layout = SampleLayout.Classification(cache.Channels, cache.Height, cache.Width, classNames);
        if (labels.Length != cache.Count)
            throw new ArgumentException($"The cache holds {cache.Count} images; {labels.Length} labels were given.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0 … {classNames.Count - 1}.", nameof(labels));
        return new CachedImageSource(cache, layout, labels, null, scale);
    }

    /// <summary>A regression source: image i must map to <paramref name="targets"/>[i·targetCount …] (finite values).</summary>
    public static CachedImageSource Regression(PixelCache cache, float[] targets, int targetCount, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(targets);
        var layout = SampleLayout.Regression(cache.Channels, cache.Height, cache.Width, targetCount);
        if (targets.Length != (long)cache.Count * targetCount)
            throw new ArgumentException($"{cache.Count} images with {targetCount} targets each need {(long)cache.Count * targetCount} values; {targets.Length} were given.", nameof(targets));
        for (int i = 0; i < targets.Length; i++)
            if (!float.IsFinite(targets[i]))
                throw new ArgumentException($"Target {i % targetCount} of image {i / targetCount} is {targets[i]}; regression targets must be finite.", nameof(targets));
        return new CachedImageSource(cache, layout, null, targets, scale);
    }

    /// <summary>
    /// A source of any layout with float targets — regression values, segmentation class maps, detection box rows:
    /// image i of <paramref name="cache"/> has the targets <paramref name="targets"/>[i·T … (i + 1)·T), T the length of
    /// <paramref name="layout"/>'s <see cref="SampleLayout.TargetShape"/>(1). The layout's image shape must be the cache's.
    /// </summary>
    public static CachedImageSource WithTargets(PixelCache cache, SampleLayout layout, float[] targets, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(targets);
        if ((layout.Channels, layout.Height, layout.Width) != (cache.Channels, cache.Height, cache.Width))
            throw new ArgumentException($"The layout is of {layout.Channels}×{layout.Height}×{layout.Width} images; the cache holds {cache.Channels}×{cache.Height}×{cache.Width}.", nameof(layout));
        long perImage = layout.TargetShape(1).Length;
        if (targets.Length != cache.Count * perImage)
            throw new ArgumentException($"{cache.Count} images with {perImage} target values each need {cache.Count * perImage} values; {targets.Length} were given.", nameof(targets));
        return new CachedImageSource(cache, layout, null, targets, scale);
    }

    /// <inheritdoc/>
    public int Count => _cache.Count;

    /// <inheritdoc/>
    public SampleLayout Layout { get; }

    /// <summary>What stored bytes are multiplied by (e.g. 1/255 for pixels in [0, 1]); stored floats are used as they are.</summary>
    public float Scale { get; }

    /// <inheritdoc/>
    public void Plan(ReadOnlyMemory<int> order, int batchSize) => _prefetcher.Plan(order, batchSize);

    /// <inheritdoc/>
    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        Require.Shape(images, Layout.ImageShape(indices.Length), nameof(images));
        Require.Shape(targets, Layout.TargetShape(indices.Length), nameof(targets));
        if (!_prefetcher.TryTake(indices, images.Span)) ReadImages(indices, images.Span);
        var targetSpan = targets.Span;
        int t = _targetSize;
        for (int i = 0; i < indices.Length; i++)
        {
            if (_labels is not null) targetSpan[i] = _labels[indices[i]];
            else _targets.AsSpan(indices[i] * t, t).CopyTo(targetSpan.Slice(i * t, t));
        }
    }

    /// <summary>Images <paramref name="indices"/> into <paramref name="images"/> [n, C, H, W], from any thread.</summary>
    private void ReadImages(ReadOnlySpan<int> indices, Span<float> images)
    {
        int size = _cache.ImageSize;
        var raw = _raw.Value!;
        for (int i = 0; i < indices.Length; i++) _cache.Read(indices[i], images.Slice(i * size, size), Scale, raw);
    }

    /// <summary>Stops the prefetching workers and closes the pixel cache (a temporary cache file is deleted).</summary>
    public void Dispose()
    {
        _prefetcher.Dispose();
        _raw.Dispose();
        _cache.Dispose();
    }
}
