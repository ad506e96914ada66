using MLNet.Cnn.Samples.Detection;
using MLNet.Cnn.Samples.Segmentation;
using SkiaSharp;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>
/// The detection and segmentation samples on a tiny budget (64×64 canvases, a few hundred scenes, one epoch): they train,
/// print their metrics, write PNGs of the expected sizes, the model file and its ONNX export; bad arguments exit with 2.
/// </summary>
[TestClass]
public sealed class SceneSampleTests
{
    private static readonly string[] Tiny = ["--size", "64", "--test-scenes", "40", "--minutes", "1"];

    private static void RequireFashionMnist()
    {
        if (!Data.FashionMnist.IsAvailable())
            Assert.Inconclusive($"Fashion-MNIST is not in {Data.FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist (CI installs it).");
    }

    /// <summary>Width and height of a PNG, decoded by SkiaSharp.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.IsNotNull(bitmap, $"{path} does not decode");
        return (bitmap.Width, bitmap.Height);
    }

    [TestMethod]
    public void TheDetectionSampleTrainsEvaluatesDrawsAndExports()
    {
        RequireFashionMnist();
        var directory = Directory.CreateTempSubdirectory("cnn-detection-sample-");
        try
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            int code = DetectionSample.RunCommandLine([.. Tiny, "--scenes", "160", "--out", directory.FullName], output, errors);
            string text = output.ToString();
            Assert.AreEqual(0, code, $"{text}\n{errors}");
            foreach (string figure in new[] { "anchors (k-means", "epoch 1/1", "img/s", "COCO AP@[.5:.95]", "AP50", "AP75", "AP small", "AR@100", "VOC mAP@0.5", "Ankle boot", "RESULT mAP=" })
                StringAssert.Contains(text, figure);
            // 4 × 4 scenes of 64·2 pixels with 4-pixel gaps, and a legend row of 22 pixels (at least as wide as the grid)
            var (width, height) = PngSize(Path.Combine(directory.FullName, "detections.png"));
            Assert.IsTrue(width >= 4 * 132 + 4 && height == 4 * 132 + 4 + 22, $"detections.png is {width}×{height}");
            Assert.AreEqual((900, 550), PngSize(Path.Combine(directory.FullName, "precision-recall.png")));
            Assert.AreEqual((800, 450), PngSize(Path.Combine(directory.FullName, "training-loss.png")));
            Assert.AreEqual((64, 64), PngSize(Path.Combine(directory.FullName, "scenes", "scene-0.png")));
            var reloaded = Models.ModelFile.Load(Path.Combine(directory.FullName, "detector.cnn"));
            Assert.AreEqual(10, reloaded.ClassNames.Count);
            Assert.AreEqual(new Tensors.TensorShape(1, 64, 64), reloaded.InputShape);
            Assert.IsTrue(new FileInfo(Path.Combine(directory.FullName, "detector.onnx")).Length > 100_000);
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void TheSegmentationSampleTrainsEvaluatesDrawsAndExports()
    {
        RequireFashionMnist();
        var directory = Directory.CreateTempSubdirectory("cnn-segmentation-sample-");
        try
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            int code = SegmentationSample.RunCommandLine([.. Tiny, "--scenes", "96", "--out", directory.FullName], output, errors);
            string text = output.ToString();
            Assert.AreEqual(0, code, $"{text}\n{errors}");
            foreach (string figure in new[] { "epoch 1/1", "img/s", "mIoU", "pixel accuracy", "background", "Ankle boot", "RESULT mIoU=" })
                StringAssert.Contains(text, figure);
            // 8 scenes as image | truth | prediction, two scenes a row: 6 × 4 pictures of 64·2 pixels, 4-pixel gaps, a legend row
            var (width, height) = PngSize(Path.Combine(directory.FullName, "masks.png"));
            Assert.IsTrue(width >= 6 * 132 + 4 && height == 4 * 132 + 4 + 22, $"masks.png is {width}×{height}");
            Assert.AreEqual((800, 450), PngSize(Path.Combine(directory.FullName, "training-loss.png")));
            Assert.IsTrue(new FileInfo(Path.Combine(directory.FullName, "segmenter.onnx")).Length > 100_000);
            Assert.AreEqual(11, Models.ModelFile.Load(Path.Combine(directory.FullName, "segmenter.cnn")).ClassNames.Count);
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    public void APretrainedBackboneIsTrainedAsAFashionMnistClassifierFirstAndItsTimeComesOffTheBudget()
    {
        RequireFashionMnist();
        var directory = Directory.CreateTempSubdirectory("cnn-pretrained-sample-");
        try
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            int code = SegmentationSample.RunCommandLine([.. Tiny, "--scenes", "64", "--width", "4", "--pretrain", "1", "--minutes", "5", "--out", directory.FullName], output, errors);
            string text = output.ToString();
            Assert.AreEqual(0, code, $"{text}\n{errors}");
            var accuracy = System.Text.RegularExpressions.Regex.Match(text, @"Fashion-MNIST classifier: 1 epochs, test accuracy ([0-9.]+) ?%");
            Assert.IsTrue(accuracy.Success, text);
            Assert.IsTrue(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 60, $"one epoch learns the items: {text}");

            var tooLong = Assert.ThrowsExactly<InvalidOperationException>(() => SegmentationSample.RunCommandLine(
                [.. Tiny, "--scenes", "64", "--width", "4", "--pretrain", "1", "--minutes", "0.001", "--out", directory.FullName], new StringWriter(), new StringWriter()));
            StringAssert.Contains(tooLong.Message, "Pretraining the backbone took");
        }
        finally { directory.Delete(recursive: true); }
    }

    [TestMethod]
    [DataRow(new[] { "--pretrain", "some" }, "unknown option or bad value: --pretrain some")]
    [DataRow(new[] { "--size", "50" }, "--size must be a positive multiple of 32; 50 was given")]
    [DataRow(new[] { "--scenes", "0" }, "unknown option or bad value: --scenes 0")]
    [DataRow(new[] { "--minutes", "soon" }, "unknown option or bad value: --minutes soon")]
    [DataRow(new[] { "--epochs" }, "--epochs needs a value")]
    [DataRow(new[] { "--colour", "red" }, "unknown option or bad value: --colour red")]
    public void BadArgumentsExitWithTwoAndSayWhatIsWrong(string[] args, string message)
    {
        foreach (var main in new Func<string[], TextWriter, TextWriter, int>[] { DetectionSample.RunCommandLine, SegmentationSample.RunCommandLine })
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            Assert.AreEqual(2, main(args, output, errors));
            StringAssert.Contains(errors.ToString(), $"error: {message}");
            StringAssert.Contains(errors.ToString(), "usage:");
        }
    }

    [TestMethod]
    public void AMissingFashionMnistFolderExitsWithThree()
    {
        var errors = new StringWriter();
        Assert.AreEqual(3, DetectionSample.RunCommandLine(["--data", "/nonexistent/fashion-mnist"], new StringWriter(), errors));
        StringAssert.Contains(errors.ToString(), "/nonexistent/fashion-mnist");
    }
}
