using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>The pass every evaluation makes: the network in inference mode over the source, in order, batch by batch.</summary>
internal static class EvaluationPass
{
    /// <summary>
    /// Calls <paramref name="visit"/> with each batch's output ([n, width]; [n, K, H, W] for segmentation) and targets
    /// (<see cref="SampleLayout.TargetShape"/>(n)); returns the loss averaged over all images.
    /// </summary>
    public static double MeanLoss(Layer network, IBatchSource data, ILoss loss, int batchSize, Action<Tensor, Tensor> visit)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        Require.Positive(batchSize, nameof(batchSize));
        double lossSum = 0;
        Tensor? gradient = null;
        ForEachBatch(data, batchSize, (_, images, targets) =>
        {
            var output = network.Forward(images, training: false);
            if (gradient?.Shape != output.Shape) gradient = new Tensor(output.Shape);
            lossSum += loss.Compute(output, targets, gradient) * images.Shape[0];
            visit(output, targets);
        });
        return lossSum / data.Count;
    }

    /// <summary>Reads the source in order, <paramref name="batchSize"/> samples at a time (announced first): visit(first index, images, targets).</summary>
    public static void ForEachBatch(IBatchSource data, int batchSize, Action<int, Tensor, Tensor> visit)
    {
        var indices = Enumerable.Range(0, data.Count).ToArray();
        data.Plan(indices, batchSize);
        Tensor? images = null, targets = null;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            if (images?.Shape[0] != count)
            {
                images = new Tensor(data.Layout.ImageShape(count));
                targets = new Tensor(data.Layout.TargetShape(count));
            }
            data.Gather(indices.AsSpan(start, count), images, targets!);
            visit(start, images, targets!);
        }
    }
}
