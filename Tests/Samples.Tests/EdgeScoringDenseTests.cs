using System.Globalization;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Samples.EdgeScoring;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using SkiaSharp;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>
/// The edge app on detection and segmentation exports: its own YOLO decoding and per-class NMS give the core's boxes
/// (YoloDecoder, NonMaxSuppression) on the same image, and --draw writes decodable pictures.
/// </summary>
[TestClass]
public sealed class EdgeScoringDenseTests
{
    private static readonly string[] Classes = ["T-shirt/top", "Trouser", "Bag"];

    [TestMethod]
    public void TheAppsPerClassNmsKeepsWhatTheCoresKeeps()
    {
        var random = new Random(16);
        for (int trial = 0; trial < 50; trial++)
        {
            int count = random.Next(0, 60);
            var found = new FoundObject[count];
            var boxes = new float[4 * count];
            for (int i = 0; i < count; i++)
            {
                // clustered boxes so that many overlap; scores from a few values so that ties happen; some zero-area boxes
                float x = random.Next(0, 4) * 10 + random.NextSingle() * 6, y = random.Next(0, 3) * 10 + random.NextSingle() * 6;
                float w = random.Next(8) == 0 ? 0 : 4 + random.NextSingle() * 12, h = 4 + random.NextSingle() * 12;
                found[i] = new FoundObject(x, y, x + w, y + h, random.Next(3), random.Next(1, 8) / 8f);
                (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (found[i].X0, found[i].Y0, found[i].X1, found[i].Y1);
            }
            foreach (float threshold in new[] { 0f, 0.3f, 0.5f, 0.7f })
                foreach (int limit in new[] { 5, 100 })
                {
                    var core = NonMaxSuppression.KeepPerClass(boxes, found.Select(f => f.Score).ToArray(), found.Select(f => f.ClassId).ToArray(),
                        threshold, maxDetections: limit);
                    CollectionAssert.AreEqual(core, PerClassNms.Keep(found, threshold, limit), $"trial {trial}, IoU {threshold}, limit {limit}");
                }
        }
    }

    [TestMethod]
    public void ADetectionExportGivesTheCoresBoxesAndIsDrawn()
    {
        var root = Directory.CreateTempSubdirectory("edge-detection-");
        try
        {
            var head = new YoloHead([8, 8, 20, 14], Classes.Length, stride: 8);
            var input = new TensorShape(1, 32, 32);
            var network = YoloNetwork.Build(DetectionBackbones.Small(1, width: 4, stages: 3, seed: 3), input, head, neckWidth: 8, seed: 3);
            // untrained but seeded; a high objectness prior so that the scores (σ(obj)·softmax) pass the threshold
            YoloNetwork.InitializeObjectnessPrior((Conv2dLayer)network.Children[^1], head, prior: 0.9);
            string onnx = Path.Combine(root.FullName, "detector.onnx");
            OnnxExporter.Export(new CnnModel(network, input, Classes), onnx, OnnxTaskMetadata.Detection(head));
            var image = TestImage.Noise(new Random(5), 32, 32, gray: true);
            image.SavePng(Path.Combine(root.FullName, "noise.png"));

            var pixels = Tensor.FromArray(image.Rgb.Where((_, k) => k % 3 == 0).Select(b => b / 255f).ToArray(), 1, 1, 32, 32);
            var expected = YoloDecoder.Decode(head, network.Forward(pixels, training: false), new YoloDecodeOptions(ScoreThreshold: 0.05f))[0];
            Assert.IsTrue(expected.Count > 3, $"the core found {expected.Count} boxes; the test needs several");

            string draw = Path.Combine(root.FullName, "drawn");
            var run = AppRun.InProcess(null, onnx, Path.Combine(root.FullName, "noise.png"), "--min-score", "0.05", "--draw", draw);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            var actual = run.OutputLines.Select(line => line.Split('\t')).ToArray();
            Assert.AreEqual(expected.Count, actual.Length, run.ToString());
            // sorted by class and score: ONNX Runtime's output differs from the core's by ~1e-6, which may swap near-equal scores
            var expectedSorted = expected.OrderBy(d => d.ClassId).ThenByDescending(d => d.Score).ToArray();
            var actualSorted = actual.OrderBy(f => Array.IndexOf(Classes, f[1])).ThenByDescending(f => float.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
            for (int i = 0; i < expectedSorted.Length; i++)
            {
                var (e, a) = (expectedSorted[i], actualSorted[i]);
                Assert.AreEqual(Path.Combine(root.FullName, "noise.png"), a[0], "a single file is named by its path");
                Assert.AreEqual(Classes[e.ClassId], a[1], $"object {i}");
                Assert.AreEqual(e.Score, float.Parse(a[2], CultureInfo.InvariantCulture), 1e-4, $"object {i}");
                float[] box = [e.X0, e.Y0, e.X1, e.Y1];
                for (int k = 0; k < 4; k++)
                    Assert.AreEqual(box[k], float.Parse(a[3 + k], CultureInfo.InvariantCulture), 0.051, $"object {i} coordinate {k} (printed with one decimal)");
            }
            using var picture = SKBitmap.Decode(Path.Combine(draw, "noise.png"));
            Assert.AreEqual((288, 288), (picture.Width, picture.Height), "32 pixels zoomed 9×");
        }
        finally { root.Delete(recursive: true); }
    }

    [TestMethod]
    public void ASegmentationExportPrintsClassSharesAndDrawsTheMask()
    {
        var root = Directory.CreateTempSubdirectory("edge-segmentation-");
        try
        {
            // background where the pixel is dark, "thing" where it is bright: logits (0, 2x − 1) per pixel
            var conv = new Conv2dLayer("score", 1, 2, 1);
            conv.Weight.Value.Span.Clear();
            conv.Weight.Value.Span[1] = 2;
            conv.Bias!.Value.Span.Clear();
            conv.Bias.Value.Span[1] = -1;
            var input = new TensorShape(1, 16, 16);
            string onnx = Path.Combine(root.FullName, "segmenter.onnx");
            OnnxExporter.Export(new CnnModel(conv, input, ["background", "thing"]), onnx, OnnxTaskMetadata.Segmentation());
            var image = TestImage.Noise(new Random(8), 16, 16, gray: true);
            image.SavePng(Path.Combine(root.FullName, "half.png"));
            int bright = image.Rgb.Where((_, k) => k % 3 == 0).Count(b => 2 * (b / 255f) - 1 > 0);

            string draw = Path.Combine(root.FullName, "drawn");
            var run = AppRun.InProcess(null, onnx, Path.Combine(root.FullName, "half.png"), "--draw", draw);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Output, $"thing {(100.0 * bright / 256).ToString("F1", CultureInfo.InvariantCulture)}%");
            using var picture = SKBitmap.Decode(Path.Combine(draw, "half.png"));
            Assert.AreEqual((288, 288), (picture.Width, picture.Height), "16 pixels zoomed 18×");
        }
        finally { root.Delete(recursive: true); }
    }

    [TestMethod]
    public void DrawingAClassifierJsonForADetectorAndAGridThatMisfitsItsAnchorsAreRefused()
    {
        var root = Directory.CreateTempSubdirectory("edge-refusals-");
        try
        {
            var model = new EdgeModel(root.FullName, 1);
            var image = Path.Combine(root.FullName, "image.png");
            TestImage.Noise(new Random(1), 28, 28, gray: true).SavePng(image);
            var run = AppRun.InProcess(null, model.Path, image, "--draw", Path.Combine(root.FullName, "drawn"));
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Errors, "--draw draws detection and segmentation exports; this model is a classifier");

            var head = new YoloHead([8, 8], 1, stride: 4);
            var detector = new Conv2dLayer("head", 1, head.Channels, 4, stride: 4);
            Initializer.Initialize(detector, seed: 1);
            string onnx = Path.Combine(root.FullName, "detector.onnx");
            OnnxExporter.Export(new CnnModel(detector, new TensorShape(1, 28, 28), ["thing"]), onnx, OnnxTaskMetadata.Detection(head));
            run = AppRun.InProcess(null, onnx, image, "--json");
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Errors, "--json writes a classifier's scores; this model is a detection export");
            Assert.AreEqual(2, AppRun.InProcess(null, onnx, image, "--min-score", "1.5").ExitCode);

            // a grid that does not fit the anchors and stride of the metadata
            var otherHead = new YoloHead([8, 8, 4, 4], 1, stride: 4);
            OnnxExporter.Export(new CnnModel(detector, new TensorShape(1, 28, 28), ["thing"]), onnx, OnnxTaskMetadata.Detection(otherHead));
            run = AppRun.InProcess(null, onnx, image);
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Errors, "output 'logits' is [N, 6, 7, 7] float; expected [N, 12, 7, 7] float (1 class names in 'mlnet.cnn.class_names', 2 anchors × (5 + 1) channels on a grid of stride 4)");
        }
        finally { root.Delete(recursive: true); }
    }
}
