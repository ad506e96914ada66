using System.Buffers;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Segmentation;

/// <summary>
/// Segmentation metrics of a network over a whole source (<see cref="TargetKind.Segmentation"/>): the network runs in
/// inference mode batch by batch, each pixel's prediction is the arg-max of its K logits (the lowest class on a tie), and
/// all pixels go into one <see cref="SegmentationConfusionMatrix"/> (the layout's ignore label skipped), from which the
/// metrics are read.
/// </summary>
public static class SegmentationEvaluation
{
    /// <summary>The metrics of <paramref name="network"/>, whose output must be [n, K, H, W], on <paramref name="data"/>.</summary>
    public static SegmentationMetrics Of(Layer network, IBatchSource data, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        Require.Positive(batchSize, nameof(batchSize));
        var matrix = MatrixFor(data.Layout);
        EvaluationPass.ForEachBatch(data, batchSize, (_, images, targets) => Add(matrix, network.Forward(images, training: false), targets));
        return matrix.ComputeMetrics();
    }

    /// <summary>An empty matrix for a segmentation layout (no ignore label: −1, which no class map holds).</summary>
    internal static SegmentationConfusionMatrix MatrixFor(SampleLayout layout)
    {
        if (layout.Kind != TargetKind.Segmentation)
            throw new ArgumentException($"Segmentation metrics need class maps; the source holds {layout}.", nameof(layout));
        return new SegmentationConfusionMatrix(layout.ClassCount, layout.IgnoreLabel ?? -1);
    }

    /// <summary>Adds the arg-max of every pixel of <paramref name="logits"/> [n, K, H, W] against <paramref name="classMaps"/> [n, H, W].</summary>
    internal static void Add(SegmentationConfusionMatrix matrix, Tensor logits, Tensor classMaps)
    {
        var shape = logits.Shape;
        if (shape.Rank != 4 || shape[1] != matrix.ClassCount || classMaps.Shape != new TensorShape(shape[0], shape[2], shape[3]))
            throw new ArgumentException(
                $"The network gives {shape} for class maps {classMaps.Shape}; expected [n, {matrix.ClassCount}, H, W] for class maps [n, H, W].", nameof(logits));
        int pixels = classMaps.Length, plane = shape[2] * shape[3], classes = shape[1];
        var truth = ArrayPool<int>.Shared.Rent(pixels);
        var predicted = ArrayPool<int>.Shared.Rent(pixels);
        try
        {
            ReadOnlySpan<float> x = logits.Span, t = classMaps.Span;
            for (int p = 0; p < pixels; p++)
            {
                int image = p / plane, j = p % plane, start = image * classes * plane + j, best = 0;
                for (int c = 1; c < classes; c++)
                    if (x[start + c * plane] > x[start + best * plane]) best = c;
                predicted[p] = best;
                truth[p] = (int)t[p];
            }
            matrix.Add(truth.AsSpan(0, pixels), predicted.AsSpan(0, pixels));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(truth);
            ArrayPool<int>.Shared.Return(predicted);
        }
    }
}
