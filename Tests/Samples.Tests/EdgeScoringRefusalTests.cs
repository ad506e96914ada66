using Google.Protobuf;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Samples.Tests;

/// <summary>
/// What the edge scoring app refuses, and that it says which file and what it expected: a missing, corrupt or foreign
/// model (exports edited to break one promise at a time, a feature graph, a PyTorch export), images it cannot decode,
/// and inputs that name nothing. Exit code 1, nothing on standard output for what was refused.
/// </summary>
[TestClass]
public sealed class EdgeScoringRefusalTests
{
    private static DirectoryInfo _root = null!;
    private static EdgeModel _model = null!;
    private static string _image = null!;

    [ClassInitialize]
    public static void CreateModelAndImage(TestContext _)
    {
        _root = Directory.CreateTempSubdirectory("edge-scoring-refusals-");
        _model = new EdgeModel(_root.FullName, channels: 1);
        _image = Path.Combine(_root.FullName, "shoe.png");
        TestImage.Noise(new Random(1), 28, 28, gray: true).SavePng(_image);
    }

    [ClassCleanup]
    public static void DeleteFolder() => _root.Delete(recursive: true);

    [TestMethod]
    public void AMissingModelFile()
    {
        string missing = Path.Combine(_root.FullName, "nope.onnx");
        AssertRefused(AppRun.InProcess(null, missing, _image), $"error: {missing}: no such model file.");
    }

    [TestMethod]
    [DataRow("truncated")]
    [DataRow("garbage")]
    public void ACorruptModelFile(string damage)
    {
        var bytes = File.ReadAllBytes(_model.Path);
        string file = Path.Combine(_root.FullName, $"{damage}.onnx");
        File.WriteAllBytes(file, damage == "truncated" ? bytes[..(bytes.Length / 2)] : "not a model at all"u8.ToArray());
        var run = AppRun.InProcess(null, file, _image);
        AssertRefused(run, $"error: {file}: not a valid ONNX model (truncated or corrupt?); ONNX Runtime says: ");
        Assert.IsFalse(run.Errors.Contains("   at "), "no stack trace");
    }

    /// <summary>Our export with one promise broken (the graph still loads in ONNX Runtime).</summary>
    [TestMethod]
    [DataRow("input renamed", "the model's inputs are 'image'; expected one input 'input' [N, 1, 28, 28] float (from 'mlnet.cnn.input_shape').")]
    [DataRow("no input shape", "the model has no 'mlnet.cnn.input_shape' metadata, so it was not exported by MLNet.Cnn")]
    [DataRow("input shape not the graph's", "input 'input' is [N, 1, 28, 28] float; expected [N, 1, 32, 32] float (from 'mlnet.cnn.input_shape').")]
    [DataRow("fixed batch of 1", "input 'input' is [1, 1, 28, 28] float; expected [N, 1, 28, 28] float (from 'mlnet.cnn.input_shape').")]
    [DataRow("three class names", "output 'logits' is [N, 4] float; expected [N, 3] float (3 class names in 'mlnet.cnn.class_names').")]
    [DataRow("class names not JSON", "metadata 'mlnet.cnn.class_names' is T-shirt, Trouser; expected a JSON array of class names.")]
    [DataRow("in_graph yes", "metadata 'mlnet.cnn.normalization.in_graph' is 'yes'; expected \"true\" or \"false\".")]
    public void AnEditedExport(string edit, string expected)
    {
        var proto = OnnxExporter.Build(_model.Model, 13);
        Edit(proto, edit);
        string file = Path.Combine(_root.FullName, $"{edit}.onnx");
        File.WriteAllBytes(file, proto.ToByteArray());
        AssertRefused(AppRun.InProcess(null, file, _image), $"error: {file}: {expected}");
    }

    [TestMethod]
    public void AFeatureGraphHasNoLogits()
    {
        string file = Path.Combine(_root.FullName, "features.onnx");
        File.WriteAllBytes(file, OnnxExporter.FeaturesToBytes(_model.Model, "fc2"));
        AssertRefused(AppRun.InProcess(null, file, _image),
            $"error: {file}: the model's outputs are 'features'; expected an output 'logits' [N, 4] float (4 class names in 'mlnet.cnn.class_names').");
    }

    [TestMethod]
    public void AnOnnxModelFromPyTorch()
    {
        string file = TestModels.PathOf("fmnist-resnet-small.onnx"); // input "input" [N, 1, 28, 28], output "logits" [N, 10], no metadata
        AssertRefused(AppRun.InProcess(null, file, _image), $"error: {file}: the model has no 'mlnet.cnn.class_names' metadata");
    }

    [TestMethod]
    public void AnImageThatCannotBeDecodedIsReportedAndTheOthersAreScored()
    {
        var folder = _root.CreateSubdirectory("mixed");
        File.Copy(_image, Path.Combine(folder.FullName, "good.png"));
        File.WriteAllText(Path.Combine(folder.FullName, "broken.png"), "not a PNG");
        var run = AppRun.InProcess(null, _model.Path, folder.FullName);
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.StartsWith(run.OutputLines.Single(), "good.png\t");
        StringAssert.Contains(run.Errors, "error: broken.png: cannot be decoded as an image (expected png, jpg, bmp, gif or webp).");
        StringAssert.Contains(run.Errors, "1 of 2 images could not be scored.");
    }

    [TestMethod]
    public void EmptyStandardInputAnEmptyFolderAndAMissingPath()
    {
        AssertRefused(AppRun.InProcess([], _model.Path, "-"), "error: <stdin>: cannot be decoded as an image");
        var empty = _root.CreateSubdirectory("empty");
        AssertRefused(AppRun.InProcess(null, _model.Path, empty.FullName), $"error: {empty.FullName}: no png/jpg/jpeg/bmp/gif/webp images in this folder.");
        string missing = Path.Combine(_root.FullName, "missing");
        AssertRefused(AppRun.InProcess(null, _model.Path, missing), $"error: {missing}: no such image file or folder.");
    }

    private static void AssertRefused(AppRun run, string message)
    {
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        Assert.AreEqual("", run.Output, "nothing scored");
        StringAssert.Contains(run.Errors, message);
    }

    private static void Edit(ModelProto proto, string edit)
    {
        StringStringEntryProto Entry(string key) => proto.MetadataProps.Single(e => e.Key == key);
        switch (edit)
        {
            case "input renamed": OnnxGraphEdits.Rename(proto.Graph, OnnxExporter.InputName, "image"); break;
            case "no input shape": proto.MetadataProps.Remove(Entry(OnnxExporter.InputShapeKey)); break;
            case "input shape not the graph's": Entry(OnnxExporter.InputShapeKey).Value = "[1, 32, 32]"; break;
            case "fixed batch of 1": proto.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 1 }; break;
            case "three class names": Entry(OnnxExporter.ClassNamesKey).Value = """["a", "b", "c"]"""; break;
            case "class names not JSON": Entry(OnnxExporter.ClassNamesKey).Value = "T-shirt, Trouser"; break;
            case "in_graph yes": Entry(OnnxExporter.NormalizationInGraphKey).Value = "yes"; break;
            default: throw new ArgumentOutOfRangeException(nameof(edit), edit, "unknown edit");
        }
    }
}
