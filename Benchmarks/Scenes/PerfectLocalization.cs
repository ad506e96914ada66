using MLNet.Cnn.Detection;
using MLNet.Cnn.Segmentation;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Benchmarks.Scenes;

/// <summary>
/// The metrics a detector or segmenter would get with perfect boxes and masks, classes from a classifier: each object
/// becomes one detection per class on its true box scored by the class probability (what a multi-label decoder emits),
/// and its true mask is painted with its most probable class. What stays below 1 is the classification alone.
/// </summary>
internal static class PerfectLocalization
{
    /// <param name="probabilities">The class probabilities of object k of scene i.</param>
    public static (CocoMetrics Coco, VocMetrics Voc, SegmentationMetrics Segmentation) Evaluate(SceneSet scenes, Func<int, int, ReadOnlyMemory<float>> probabilities)
    {
        int classes = scenes.ClassNames.Count;
        var images = new List<DetectionImage>();
        var confusion = new SegmentationConfusionMatrix(scenes.SegmentationClassCount, SceneSet.IgnoreLabel);
        for (int i = 0; i < scenes.Count; i++)
        {
            var objects = scenes.Objects(i);
            var truth = objects.Select(o => new GroundTruthBox(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, o.Label)).ToList();
            var detections = objects.SelectMany((o, k) => Enumerable.Range(0, classes).Select(c =>
                new DetectedBox(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, c, probabilities(i, k).Span[c]))).ToList();
            images.Add(new DetectionImage(truth, detections));

            var scene = scenes[i];
            var trueMap = scene.ClassMap.ToArray().Select(b => (int)b).ToArray();
            var predicted = (int[])trueMap.Clone();
            var owner = scene.InstanceMap;
            for (int p = 0; p < predicted.Length; p++)
                if (owner[p] > 0) predicted[p] = TensorPrimitives.IndexOfMax(probabilities(i, owner[p] - 1).Span) + 1;
            confusion.Add(trueMap, predicted);
        }
        return (CocoEvaluation.Evaluate(images, classes), VocEvaluation.Evaluate(images, classes), confusion.ComputeMetrics());
    }
}
