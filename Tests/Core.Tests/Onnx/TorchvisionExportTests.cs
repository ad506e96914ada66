using MLNet.Cnn.Tests.Shared;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Real PyTorch exports of every torchvision 0.14 classification family, built small from torchvision's own classes
/// (<c>Benchmarks/Torchvision/export.py --tiny</c>: ResNet, ResNeXt, VGG-BN, AlexNet, SqueezeNet 1.0/1.1, DenseNet, GoogLeNet,
/// Inception v3's InceptionC, MobileNet v2/v3, MNASNet, ShuffleNet v2, EfficientNet v1/v2, RegNet X/Y, ConvNeXt) at opsets 13
/// and 17 with a dynamic batch axis. Each is imported and must give PyTorch's logits within 1e-4 of the largest one, and
/// train as PyTorch does: the first SGD step's losses (before it, in training mode, and after it) agree with PyTorch's within
/// 2e-3 of the first (most within 1e-6; the small MNASNet, with batch statistics of 2 images on 2×2 maps, within 4.5e-4,
/// where PyTorch's float32 and float64 runs part by 5.5e-4), and 3 steps lower the loss. A file listed in <c>Torchvision/unsupported.txt</c> must instead be
/// refused with a <see cref="NotSupportedException"/>; entries leave the list as the importer learns their ops.
/// </summary>
[TestClass]
public sealed class TorchvisionExportTests
{
    private const double Tolerance = 1e-4, StepTolerance = 2e-3;
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Onnx", "Torchvision");

    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Folder, "*.onnx").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(name => new object[] { name! });

    [TestMethod]
    public void EveryExportIsHere()
    {
        // 18 families at 2 opsets; a lost file would shrink the suite silently, a failed export would leave a family out.
        Assert.AreEqual(36, Files().Count());
        Assert.AreEqual("", File.ReadAllText(Path.Combine(Folder, "export-failures.txt")), "export.py --tiny reported failures");
        foreach (var name in Unsupported().Keys) Assert.IsTrue(File.Exists(Path.Combine(Folder, name)), $"unsupported.txt names '{name}', which is not an export");
    }

    [TestMethod]
    [DynamicData(nameof(Files))]
    public void TheImportedExportGivesPyTorchsLogitsAndTrains(string name)
    {
        string path = Path.Combine(Folder, name);
        if (Unsupported().TryGetValue(name, out var why))
        {
            var refusal = Assert.ThrowsExactly<NotSupportedException>(() => TorchvisionExportCheck.Run(path), $"'{name}' is listed as unsupported ({why})");
            StringAssert.Contains(refusal.Message, "ONNX node", $"'{name}': the refusal names the node");
            return;
        }
        var result = TorchvisionExportCheck.Run(path);
        Assert.IsTrue(result.RelativeDifference <= Tolerance,
            $"{name}: logits differ from PyTorch's by {result.MaxDifference:G3}, {result.RelativeDifference:G3} of the largest ({result.LargestLogit:G3})");
        Assert.IsTrue(result.FirstStepDifference <= StepTolerance,
            $"{name}: losses of the first SGD step {result.Losses[0]:G6}, {result.Losses[1]:G6}; PyTorch's {result.TorchLosses[0]:G6}, {result.TorchLosses[1]:G6}");
        Assert.IsTrue(result.LossAfter < result.LossBefore,
            $"{name}: {TorchvisionExportCheck.TrainingSteps} SGD steps took the loss from {result.LossBefore:G6} to {result.LossAfter:G6}");
    }

    /// <summary>Torchvision/unsupported.txt: "file: reason" lines of exports the importer refuses.</summary>
    private static Dictionary<string, string> Unsupported() =>
        File.ReadAllLines(Path.Combine(Folder, "unsupported.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
}
