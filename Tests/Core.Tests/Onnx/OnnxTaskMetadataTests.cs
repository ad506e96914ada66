using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Onnx;

[TestClass]
public sealed class OnnxTaskMetadataTests
{
    [TestMethod]
    public void ADetectorExportsItsRawGridWithTheTaskAnchorsAndStride()
    {
        var head = new YoloHead([10, 12, 30.5f, 20], classCount: 3, stride: 8);
        var network = YoloNetwork.Build(DetectionBackbones.Small(1, width: 4, stages: 3), new TensorShape(1, 32, 32), head, neckWidth: 8);
        var model = new CnnModel(network, new TensorShape(1, 32, 32), ["a", "b", "c"]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, OnnxTaskMetadata.Detection(head)));
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual("detection", metadata[OnnxTaskMetadata.TaskKey]);
        Assert.AreEqual("[10,12,30.5,20]", metadata[OnnxTaskMetadata.AnchorsKey]);
        Assert.AreEqual("8", metadata[OnnxTaskMetadata.StrideKey]);
        Assert.AreEqual("[\"a\",\"b\",\"c\"]", metadata[OnnxExporter.ClassNamesKey]);
        var dims = proto.Graph.Output.Single().Type.TensorType.Shape.Dim;
        CollectionAssert.AreEqual(new long[] { 2 * (5 + 3), 4, 4 }, dims.Skip(1).Select(d => d.DimValue).ToArray());
    }

    [TestMethod]
    public void SegmentationIsNamedAndTheExportersOwnKeysAreRefused()
    {
        var model = new CnnModel(new Conv2dLayer("conv", 1, 2, 1), new TensorShape(1, 4, 4), ["background", "thing"]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, OnnxTaskMetadata.Segmentation()));
        Assert.AreEqual("segmentation", proto.MetadataProps.Single(p => p.Key == OnnxTaskMetadata.TaskKey).Value);
        var clash = new Dictionary<string, string> { [OnnxExporter.ClassNamesKey] = "[]" };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => OnnxExporter.ToBytes(model, clash)).Message, "written by the exporter itself");
    }
}
