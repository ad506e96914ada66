using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Models;

namespace MLNet.Cnn.Benchmarks.Scenes;

/// <summary>
/// How high issue 16's detection and segmentation metrics can go on the generated scenes when boxes and masks are perfect
/// and only the class has to be found, with the whole 10-minute budget spent on classification (fixed epochs, so that the
/// figures do not depend on the machine's load: 10 epochs of Fashion-MNIST take about 5 minutes on 2 quiet Zen 4 cores,
/// 5 epochs of the crops about 10):
/// (1) classes from a Fashion-MNIST classifier shown each item's original 28×28 pixels (no scene at all);
/// (2) classes from the same network trained on the objects as the scenes show them (28×28 crops: lower contrast, clutter,
///     noise, occlusion up to half the item), by hidden fraction;
/// (3) with a segmenter's model file as the argument, where that segmenter loses its mIoU.
/// Held-out: 1,000 scenes of Fashion-MNIST's test items (seed 2, as the samples' held-out set at their default seed).
/// </summary>
internal static class SceneCeilingBenchmark
{
    private const int TrainingScenes = 80_000;

    public static void Run(BenchmarkOptions options)
    {
        if (!FashionMnist.IsAvailable())
        {
            Console.WriteLine(FashionMnist.NotFoundMessage());
            return;
        }
        var sceneOptions = new SceneOptions();
        var heldOut = SceneGenerator.FromFashionMnist(sceneOptions, seed: 2, train: false).GenerateSet(1000);
        var table = new Results("classes from", "object accuracy", "mIoU", "VOC mAP@0.5", "COCO AP");
        var clock = Stopwatch.StartNew();

        Console.WriteLine("(1) a Fashion-MNIST classifier on the items' original pixels");
        var test = FashionMnist.LoadTest();
        var original = ClassifierProbabilities.Train(FashionMnist.LoadTrain(), test, epochs: 10);
        var itemProbabilities = ClassifierProbabilities.Of(original, test);
        int classes = test.ClassCount;
        var heldOutItems = Enumerable.Range(0, heldOut.Count).SelectMany(i => heldOut.Objects(i).Select(o => o.SourceIndex)).ToArray();
        var heldOutItemProbabilities = heldOutItems.SelectMany(s => itemProbabilities.AsSpan(s * classes, classes).ToArray()).ToArray();
        Add(table, "original items (no scene), ResNetSmall",
            ClassifierProbabilities.Accuracy(heldOutItemProbabilities, heldOutItems.Select(s => test.Labels[s]).ToArray()),
            PerfectLocalization.Evaluate(heldOut, (i, k) => itemProbabilities.AsMemory(heldOut.Objects(i)[k].SourceIndex * classes, classes)));

        Console.WriteLine($"(2) the same network on 28×28 crops of the objects in {TrainingScenes:N0} training scenes");
        var trainCrops = ObjectCrops.Cut(SceneGenerator.FromFashionMnist(sceneOptions, seed: 1).GenerateSet(TrainingScenes), jitter: 0.1, seed: 1);
        var heldOutCrops = ObjectCrops.Cut(heldOut, jitter: 0, seed: 2);
        var cropNetwork = ClassifierProbabilities.Train(trainCrops.Crops, heldOutCrops.Crops, epochs: 5);
        var cropProbabilities = ClassifierProbabilities.Of(cropNetwork, heldOutCrops.Crops);
        var firstCrop = new int[heldOut.Count];
        for (int i = 1; i < heldOut.Count; i++) firstCrop[i] = firstCrop[i - 1] + heldOut.Objects(i - 1).Count;
        Add(table, "object crops in the scenes, ResNetSmall",
            ClassifierProbabilities.Accuracy(cropProbabilities, heldOutCrops.Crops.Labels),
            PerfectLocalization.Evaluate(heldOut, (i, k) => cropProbabilities.AsMemory((firstCrop[i] + k) * classes, classes)));
        var labels = heldOutCrops.Crops.Labels.ToArray();
        for (double hidden = 0; hidden < 0.5; hidden += 0.1)
        {
            double low = hidden;
            double accuracy = ClassifierProbabilities.Accuracy(cropProbabilities, labels,
                k => heldOutCrops.HiddenFraction[k] >= low && heldOutCrops.HiddenFraction[k] < low + 0.1);
            table.Add($"  crops {low * 100:F0}–{low * 100 + 10:F0} % hidden", Results.Number(accuracy, 3), "–", "–", "–");
        }

        if (options.Filter is { } segmenterFile)
        {
            Console.WriteLine($"(3) the segmenter {segmenterFile}");
            SegmenterDiagnosis.Run(ModelFile.Load(segmenterFile).Network, heldOut, table);
        }
        Console.WriteLine($"done in {clock.Elapsed.TotalMinutes:F1} min");
        table.Print();
        Console.WriteLine($"wrote {table.WriteCsv(Results.CsvName("scenes", null))}");
    }

    private static void Add(Results table, string name, double accuracy,
        (CocoMetrics Coco, VocMetrics Voc, MLNet.Cnn.Segmentation.SegmentationMetrics Segmentation) metrics) =>
        table.Add(name, Results.Number(accuracy, 3), Results.Number(metrics.Segmentation.MeanIoU, 3),
            Results.Number(metrics.Voc.MeanAveragePrecision, 3), Results.Number(metrics.Coco.AveragePrecision, 3));
}
