using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using Google.Protobuf;

namespace MLNet.Cnn.Tests.Onnx.Quantization;

[TestClass]
public sealed class BatchNormFoldingTests
{
    [TestMethod]
    public void FoldingKeepsTheOutputsAndRemovesTheNormalizationsAfterConvolutions()
    {
        var network = new Sequential("net",
            new BatchNorm2dLayer("bn_input", 2), // no convolution before it: stays
            new Conv2dLayer("conv", 2, 4, 3, stride: 1, padding: 1),
            new BatchNorm2dLayer("bn", 4, epsilon: 1e-3f),
            new ActivationLayer("relu", new ReLU()),
            new Conv2dLayer("conv_nobias", 4, 6, 3, stride: 2, padding: 1, groups: 2, bias: false),
            new BatchNorm2dLayer("bn2", 6));
        TestNetworks.Randomize(network);
        var bytes = OnnxExporter.ToBytes(new CnnModel(network, new TensorShape(2, 7, 7), []));
        var model = ModelProto.Parser.ParseFrom(bytes);
        BatchNormFolding.Fold(model.Graph);

        Assert.AreEqual(1, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"), "only the normalization of the input stays");
        Assert.AreEqual("BatchNormalization", model.Graph.Node[0].OpType);
        var input = TestData.Tensor(9, 3, 2, 7, 7);
        var expected = OrtRun.Output(bytes, input);
        var actual = OrtRun.Output(model.ToByteArray(), input);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
    }
}
