using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Detection;

/// <summary>
/// A detector measured on a detection source (<see cref="TargetKind.Detection"/>) after training: the network runs in
/// inference mode batch by batch, <see cref="YoloDecoder"/> turns its output into detections, the ground truth comes from
/// the target rows (<see cref="DetectionTargets"/>), and the images go to <see cref="CocoEvaluation"/> and
/// <see cref="VocEvaluation"/> (mAP@0.5, all-point interpolation).
/// </summary>
/// <param name="Images">Per image of the source, in order: its ground truth and detections.</param>
/// <param name="Coco">COCO's box metrics (mAP@[.5:.95] and the rest of the summary).</param>
/// <param name="Voc">VOC mAP@0.5.</param>
public sealed record DetectionEvaluation(IReadOnlyList<DetectionImage> Images, CocoMetrics Coco, VocMetrics Voc)
{
    /// <summary>Runs <paramref name="network"/>, whose output is <paramref name="head"/>'s [n, A·(5 + K), H, W], over <paramref name="data"/>.</summary>
    public static DetectionEvaluation Of(Layer network, YoloHead head, IBatchSource data, YoloDecodeOptions? options = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(data);
        Require.Positive(batchSize, nameof(batchSize));
        if (data.Layout.Kind != TargetKind.Detection)
            throw new ArgumentException($"Detection metrics need boxes; the source holds {data.Layout}.", nameof(data));
        if (head.ClassCount != data.Layout.ClassCount)
            throw new ArgumentException($"The head scores {head.ClassCount} classes; the source has {data.Layout.ClassCount}.", nameof(head));
        var images = new List<DetectionImage>(data.Count);
        EvaluationPass.ForEachBatch(data, batchSize, (_, batch, targets) =>
        {
            var detections = YoloDecoder.Decode(head, network.Forward(batch, training: false), options);
            int rowLength = targets.Length / targets.Shape[0];
            for (int n = 0; n < detections.Length; n++)
                images.Add(new DetectionImage(DetectionTargets.Read(targets.Span.Slice(n * rowLength, rowLength)), detections[n]));
        });
        int classes = head.ClassCount;
        return new DetectionEvaluation(images, CocoEvaluation.Evaluate(images, classes), VocEvaluation.Evaluate(images, classes));
    }
}
