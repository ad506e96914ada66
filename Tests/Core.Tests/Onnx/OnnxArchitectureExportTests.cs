using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Onnx.OnnxRuntimeCheck;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Every architecture builder of <c>Core/Models</c>, exported and run in ONNX Runtime (batches of 1 and 3), against the
/// core at inference, with random weights and batch-norm statistics. Each is built at the smallest width, depth and
/// input its builder allows, so that the whole set stays fast; the layer settings themselves are covered one by one in
/// <see cref="OnnxExportTests"/>.
/// </summary>
[TestClass]
public sealed class OnnxArchitectureExportTests
{
    [TestMethod]
    public void LeNet5Classic() => AssertSameOutputs(LeNet5.Build(), [1, 28, 28], classes: 10);

    [TestMethod]
    public void ResNetSmallTwoStages() => AssertSameOutputs(ResNetSmall.Build(widths: [4, 8], blocksPerStage: 1), [1, 16, 16], classes: 10);

    [TestMethod]
    public void SmallVggTwoConvolutionsPerStage() =>
        AssertSameOutputs(SmallVgg.Build(1, 16, 16, 10, widths: [4, 8], convsPerStage: 2, hidden: 16), [1, 16, 16], classes: 10);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AlexNetTorchvisionAndOriginal(bool original) =>
        AssertSameOutputs(AlexNet.Build(3, 63, 63, 5, original, hidden: 16), [3, 63, 63], classes: 5, wholeTensorScale: true);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Vgg11WithAndWithoutBatchNorm(bool batchNorm) =>
        AssertSameOutputs(Vgg.Build(11, batchNorm, 3, 32, 32, 5, hidden: 16), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void ResNet18BasicBlocks() => AssertSameOutputs(ResNet.Build(18, 3, 5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void ResNet50Bottlenecks() => AssertSameOutputs(ResNet.Build(50, 3, 5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void ResNeXt50GroupedBottlenecks() =>
        AssertSameOutputs(ResNeXt.Build(50, 32, 4, 3, 5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void SeResNet18SqueezeExcite() =>
        AssertSameOutputs(SeResNet.Build(18, 16, 3, 5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void GoogLeNetInception() => AssertSameOutputs(GoogLeNet.Build(3, 5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void MobileNetV1QuarterWidth() =>
        AssertSameOutputs(MobileNetV1.Build(3, 5, 0.25), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void MobileNetV2QuarterWidth() =>
        AssertSameOutputs(MobileNetV2.Build(3, 5, 0.25), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void ShuffleNetV2HalfWidth() => AssertSameOutputs(ShuffleNetV2.Build(3, 5, 0.5), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    [DataRow("1_0", 48)]
    [DataRow("1_1", 32)]
    public void SqueezeNetFireModules(string version, int size) =>
        AssertSameOutputs(SqueezeNet.Build(3, 5, version), [3, size, size], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void DenseNet121NarrowGrowth() =>
        AssertSameOutputs(DenseNet.Build(121, 3, 5, growthRate: 8, initialFeatures: 16), [3, 32, 32], classes: 5, wholeTensorScale: true);

    [TestMethod]
    public void EfficientNetQuarterWidthHalfDepth() =>
        AssertSameOutputs(EfficientNet.Build(3, 5, new EfficientNet.Scaling(0.25, 0.5, 32, 0.2f)), [3, 32, 32], classes: 5,
            wholeTensorScale: true);

    [TestMethod]
    public void NetworkInNetworkMlpConv() => AssertSameOutputs(NetworkInNetwork.Build(3, 5), [3, 67, 67], classes: 5, wholeTensorScale: true);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void UNetSegmentsPerPixel(bool batchNorm) =>
        AssertSameOutputs(UNet.Build(3, 4, depth: 2, baseWidth: 4, batchNorm: batchNorm), [3, 16, 16], wholeTensorScale: true);

    [TestMethod]
    public void SignatureAndMetadataTravelWithTheModel()
    {
        var network = MobileNetV1.Build(3, 4, 0.25);
        TestNetworks.Randomize(network);
        string[] classes = ["cat", "dog", "bird \"quoted\"", "ünïcode"];
        var normalization = new Normalization([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
        var model = new CnnModel(network, new TensorShape(3, 32, 40), classes, normalization);
        using var stream = new MemoryStream();
        OnnxExporter.Export(model, stream);
        using var session = new InferenceSession(stream.ToArray());

        CollectionAssert.AreEqual(new[] { OnnxExporter.InputName }, session.InputNames.ToArray());
        CollectionAssert.AreEqual(new[] { OnnxExporter.OutputName }, session.OutputNames.ToArray());
        var input = session.InputMetadata[OnnxExporter.InputName];
        Assert.AreEqual(TensorElementType.Float, input.ElementDataType);
        CollectionAssert.AreEqual(new[] { -1, 3, 32, 40 }, input.Dimensions);
        Assert.AreEqual("N", input.SymbolicDimensions[0]);
        var output = session.OutputMetadata[OnnxExporter.OutputName];
        Assert.AreEqual(TensorElementType.Float, output.ElementDataType);
        CollectionAssert.AreEqual(new[] { -1, 4 }, output.Dimensions);
        Assert.AreEqual("N", output.SymbolicDimensions[0]);

        var map = session.ModelMetadata.CustomMetadataMap;
        CollectionAssert.AreEqual(classes, JsonSerializer.Deserialize<string[]>(map[OnnxExporter.ClassNamesKey]));
        CollectionAssert.AreEqual(new[] { 3, 32, 40 }, JsonSerializer.Deserialize<int[]>(map[OnnxExporter.InputShapeKey]));
        CollectionAssert.AreEqual(normalization.Mean.ToArray(), JsonSerializer.Deserialize<float[]>(map[OnnxExporter.NormalizationMeanKey]));
        CollectionAssert.AreEqual(normalization.Std.ToArray(), JsonSerializer.Deserialize<float[]>(map[OnnxExporter.NormalizationStdKey]));
        Assert.AreEqual("false", map[OnnxExporter.NormalizationInGraphKey], "the logits graph expects normalized inputs");
        Assert.AreEqual("MLNet.Cnn", session.ModelMetadata.ProducerName);

        var path = Path.Combine(Path.GetTempPath(), $"onnx-export-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path);
            CollectionAssert.AreEqual(stream.ToArray(), File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }
}
