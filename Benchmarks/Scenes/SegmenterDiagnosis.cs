using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Benchmarks.Scenes;

/// <summary>
/// Where a trained segmenter loses mIoU: its class maps as predicted; foreground against background only (the outlines);
/// and each true object's pixels given the class most of them were predicted as (the segmenter as an object classifier).
/// </summary>
internal static class SegmenterDiagnosis
{
    public static void Run(Layer network, SceneSet scenes, Results table)
    {
        int classes = scenes.SegmentationClassCount, plane = scenes.Height * scenes.Width, batch = 50;
        var asPredicted = new SegmentationConfusionMatrix(classes, SceneSet.IgnoreLabel);
        var outlines = new SegmentationConfusionMatrix(2, SceneSet.IgnoreLabel);
        var voted = new SegmentationConfusionMatrix(classes, SceneSet.IgnoreLabel);
        var source = scenes.SegmentationSource();
        int objects = 0, rightObjects = 0;
        for (int start = 0; start < scenes.Count; start += batch)
        {
            int n = Math.Min(batch, scenes.Count - start);
            var images = new Tensor(n, scenes.Channels, scenes.Height, scenes.Width);
            source.Gather(Enumerable.Range(start, n).ToArray(), images, new Tensor(n, scenes.Height, scenes.Width));
            var scores = network.Forward(images, training: false).Span;
            var pixelScores = new float[classes];
            for (int b = 0; b < n; b++)
            {
                var scene = scenes[start + b];
                var truth = scene.ClassMap.ToArray().Select(v => (int)v).ToArray();
                var predicted = new int[plane];
                for (int p = 0; p < plane; p++)
                {
                    for (int c = 0; c < classes; c++) pixelScores[c] = scores[(b * classes + c) * plane + p];
                    predicted[p] = TensorPrimitives.IndexOfMax(pixelScores);
                }
                asPredicted.Add(truth, predicted);
                outlines.Add(truth.Select(v => v == SceneSet.IgnoreLabel ? v : Math.Min(v, 1)).ToArray(), predicted.Select(v => Math.Min(v, 1)).ToArray());

                var votes = new int[scene.Objects.Count, classes];
                var owner = scene.InstanceMap;
                for (int p = 0; p < plane; p++) if (owner[p] > 0 && predicted[p] > 0) votes[owner[p] - 1, predicted[p]]++;
                var objectClass = new int[scene.Objects.Count];
                for (int o = 0; o < objectClass.Length; o++)
                {
                    objectClass[o] = Enumerable.Range(1, classes - 1).MaxBy(c => votes[o, c]);
                    objects++;
                    if (objectClass[o] == scene.Objects[o].Label + 1) rightObjects++;
                }
                var perfect = (int[])truth.Clone();
                for (int p = 0; p < plane; p++) if (owner[p] > 0) perfect[p] = objectClass[owner[p] - 1];
                voted.Add(truth, perfect);
            }
        }
        table.Add("trained segmenter, as predicted", "–", Mean(asPredicted), "–", "–");
        table.Add("trained segmenter, foreground vs background only", "–", Mean(outlines), "–", "–");
        table.Add("trained segmenter's majority class per true mask", Results.Number(rightObjects / (double)objects, 3), Mean(voted), "–", "–");
    }

    private static string Mean(SegmentationConfusionMatrix confusion) => Results.Number(confusion.ComputeMetrics().MeanIoU, 3);
}
