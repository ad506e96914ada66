using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Explain;

/// <summary>
/// The images that activate a channel of a layer most (the numbers behind "top activating images" pictures): over a sequence
/// of images, run at inference a batch at a time (only one batch's activations are held), the k images whose map of the
/// channel has the highest maximum; equal maxima rank by the lower image index, so the answer is deterministic.
/// </summary>
public static class TopActivations
{
    /// <summary>The top <paramref name="k"/> of <paramref name="images"/>, each [C, H, W] of the model's input shape, normalized as the model expects.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">A path or a plain name (<see cref="LayerPaths.Find"/>) of a layer giving maps [N, C, h, w] or vectors [N, F] (a feature then counts as a 1×1 map).</param>
    /// <param name="channel">The channel (or feature), 0 … C − 1.</param>
    /// <param name="images">The images, read once, in order; image i has index i.</param>
    /// <param name="k">How many images to return (fewer when there are fewer images).</param>
    /// <param name="batchSize">How many images run through the network at a time.</param>
    /// <returns>The images by decreasing maximum, the lower index first among equal ones.</returns>
    public static IReadOnlyList<ChannelActivation> Find(CnnModel model, string layer, int channel, IEnumerable<Tensor> images, int k,
        int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(images);
        var scan = new Scan(model, layer, channel, k, batchSize);
        var shape = model.InputShape;
        var batch = new Tensor([batchSize, .. shape.Dimensions]);
        int count = 0, first = 0;
        foreach (var image in images)
        {
            if (image?.Shape != shape)
                throw new ArgumentException($"Image {first + count} has shape {image?.Shape.ToString() ?? "null"}; the model " +
                    $"'{model.Network.Name}' takes images [C, H, W] = {shape}.", nameof(images));
            image.Span.CopyTo(batch.Span.Slice(count * shape.Length, shape.Length));
            if (++count < batchSize) continue;
            scan.Add(first, batch);
            (first, count) = (first + count, 0);
        }
        if (count > 0)
        {
            var last = new Tensor([count, .. shape.Dimensions]);
            batch.Span[..last.Length].CopyTo(last.Span);
            scan.Add(first, last);
        }
        return scan.Top();
    }

    /// <summary>The top <paramref name="k"/> of the samples of <paramref name="source"/>, in index order; its images must be normalized as the model expects.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">A path or a plain name (<see cref="LayerPaths.Find"/>) of a layer giving maps [N, C, h, w] or vectors [N, F] (a feature then counts as a 1×1 map).</param>
    /// <param name="channel">The channel (or feature), 0 … C − 1.</param>
    /// <param name="source">The samples, read in index order; their targets are ignored.</param>
    /// <param name="k">How many images to return (fewer when there are fewer samples).</param>
    /// <param name="batchSize">How many images run through the network at a time.</param>
    /// <returns>The images by decreasing maximum, the lower index first among equal ones.</returns>
    public static IReadOnlyList<ChannelActivation> Find(CnnModel model, string layer, int channel, IBatchSource source, int k,
        int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(source);
        var scan = new Scan(model, layer, channel, k, batchSize);
        var layout = source.Layout;
        if (!layout.ImageShape(1).Dimensions[1..].SequenceEqual(model.InputShape.Dimensions))
            throw new ArgumentException($"The source's images are {layout.Channels}×{layout.Height}×{layout.Width}; the model " +
                $"'{model.Network.Name}' takes images [C, H, W] = {model.InputShape}.", nameof(source));
        EvaluationPass.ForEachBatch(source, batchSize, (first, batch, _) => scan.Add(first, batch));
        return scan.Top();
    }

    /// <summary>The running top k of one layer's channel, fed a batch at a time.</summary>
    private sealed class Scan
    {
        private readonly LayerRoute _route;
        private readonly int _channel, _k;
        // The worst of the kept ones first: the lowest value, then the highest index.
        private readonly PriorityQueue<ChannelActivation, ChannelActivation> _kept = new(Comparer<ChannelActivation>.Create(
            (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : b.ImageIndex.CompareTo(a.ImageIndex)));

        public Scan(CnnModel model, string layer, int channel, int k, int batchSize)
        {
            _route = LayerRoute.To(model, layer);
            Require.Positive(k, nameof(k));
            Require.Positive(batchSize, nameof(batchSize));
            var shape = _route.Target.OutputShape;
            if (shape.Rank is not (1 or 3))
                throw new ArgumentException($"Layer '{_route.Target.Path}' gives {shape} per image; the top activations take maps [C, h, w] or vectors [F].", nameof(layer));
            if (channel < 0 || channel >= shape[0])
                throw new ArgumentOutOfRangeException(nameof(channel), channel, $"Layer '{_route.Target.Path}' gives {shape[0]} channels (0 … {shape[0] - 1}) per image.");
            (_channel, _k) = (channel, k);
        }

        /// <summary>Takes in the images of <paramref name="batch"/> [n, C, H, W], the first of which has index <paramref name="first"/>.</summary>
        public void Add(int first, Tensor batch)
        {
            var output = _route.Output(batch);
            int n = output.Shape[0], channels = output.Shape[1];
            var (height, width) = output.Shape.Rank == 4 ? (output.Shape[2], output.Shape[3]) : (1, 1);
            var input = _route.Model.InputShape;
            for (int i = 0; i < n; i++)
            {
                var map = output.Span.Slice((i * channels + _channel) * height * width, height * width);
                int best = 0;
                for (int p = 1; p < map.Length; p++)
                    if (map[p] > map[best]) best = p;
                var (y, x) = Math.DivRem(best, width);
                var candidate = new ChannelActivation(first + i, map[best], y, x, Centre(y, input[1], height), Centre(x, input[2], width));
                if (_kept.Count < _k) _kept.Enqueue(candidate, candidate);
                else _kept.EnqueueDequeue(candidate, candidate);
            }
        }

        /// <summary>The kept ones, best first.</summary>
        public IReadOnlyList<ChannelActivation> Top() =>
            [.. _kept.UnorderedItems.Select(e => e.Element).OrderByDescending(a => a.Value).ThenBy(a => a.ImageIndex)];

        /// <summary>The centre of map position <paramref name="i"/> of <paramref name="mapSize"/> in input pixels of <paramref name="inputSize"/>.</summary>
        private static double Centre(int i, int inputSize, int mapSize) => (i + 0.5) * inputSize / mapSize - 0.5;
    }
}
