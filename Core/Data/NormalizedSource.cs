using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Data;

/// <summary>
/// The samples of another source with (x − mean[c]) / std[c] applied to every pixel of channel c as they are read, targets
/// kept: how a network trained on normalized images (an imported backbone) reads a source of raw pixels, without a copy.
/// </summary>
internal sealed class NormalizedSource : IBatchSource
{
    private readonly IBatchSource _source;
    private readonly Normalization _normalization;

    private NormalizedSource(IBatchSource source, Normalization normalization) => (_source, _normalization) = (source, normalization);

    /// <summary>The source normalized; the source itself when the normalization is the identity.</summary>
    public static IBatchSource Of(IBatchSource source, Normalization normalization)
    {
        if (normalization.Mean.Count != source.Layout.Channels || normalization.Std.Count != source.Layout.Channels)
            throw new ArgumentException($"The normalization has {normalization.Mean.Count} means and {normalization.Std.Count} deviations; the images have {source.Layout.Channels} channels.", nameof(normalization));
        if (normalization.Mean.All(m => m == 0) && normalization.Std.All(s => s == 1)) return source;
        return new NormalizedSource(source, normalization);
    }

    public int Count => _source.Count;

    public SampleLayout Layout => _source.Layout;

    public void Plan(ReadOnlyMemory<int> order, int batchSize) => _source.Plan(order, batchSize);

    public void Gather(ReadOnlySpan<int> indices, Tensor images, Tensor targets)
    {
        _source.Gather(indices, images, targets);
        int size = Layout.ImageSize;
        for (int image = 0; image < indices.Length; image++)
        {
            var pixels = images.Span.Slice(image * size, size);
            _normalization.Apply(pixels, pixels);
        }
    }
}
