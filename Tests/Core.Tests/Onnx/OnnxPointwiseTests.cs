using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;
using DataType = MLNet.Cnn.Onnx.Proto.TensorProto.Types.DataType;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Point-wise graphs beyond the single-node specification cases (NodeCases): GELU and Mish written out as PyTorch exports
/// them at opset 13, Pow with a constant exponent of each shape and type, and Dropout's mask output. Forward against ONNX
/// Runtime, backward against finite differences (<see cref="OnnxOpCheck"/>).
/// </summary>
[TestClass]
public sealed class OnnxPointwiseTests
{
    private static GraphProto Graph(params long[] dims)
    {
        var graph = new GraphProto { Name = "pointwise" };
        graph.Input.Add(Value("x", "N", dims));
        graph.Output.Add(Value("y"));
        return graph;
    }

    private static Tensor Input(float scale, params int[] dims)
    {
        var x = TestData.Distinct(3, dims);
        foreach (ref float v in x.Span) v *= scale;
        return x;
    }

    [TestMethod]
    public void GeluAsPyTorchExportsItAtOpset13()
    {
        // torch.nn.GELU(): y = x · (erf(x / √2) + 1) · 0.5
        var graph = Graph(3, 4, 5);
        graph.Initializer.Add(Floats("sqrt2", [1.4142135381698608f]));
        graph.Initializer.Add(Floats("one", [1f]));
        graph.Initializer.Add(Floats("half", [0.5f]));
        Node(graph, "Div", ["x", "sqrt2"], "scaled");
        Node(graph, "Erf", ["scaled"], "erf");
        Node(graph, "Add", ["erf", "one"], "erf_plus_one");
        Node(graph, "Mul", ["x", "erf_plus_one"], "product");
        Node(graph, "Mul", ["product", "half"], "y");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), Input(4f, 2, 3, 4, 5), "y");
    }

    [TestMethod]
    public void MishAsPyTorchExportsItAtOpset13()
    {
        // torch.nn.Mish(): y = x · tanh(softplus(x))
        var graph = Graph(3, 4, 5);
        Node(graph, "Softplus", ["x"], "softplus");
        Node(graph, "Tanh", ["softplus"], "tanh");
        Node(graph, "Mul", ["x", "tanh"], "y");
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 13), Input(4f, 2, 3, 4, 5), "y");
    }

    /// <summary>Pow(x, c), c of shape <paramref name="dims"/> (an int64 or a float tensor); x is |x| where c has fractions.</summary>
    [TestMethod]
    [DataRow(new[] { 2f }, new long[0], false)]
    [DataRow(new[] { 3f }, new long[] { 1 }, true)] // a negative base to a whole power keeps its sign
    [DataRow(new[] { 1f, 2f, 3f }, new long[] { 3, 1, 1 }, true)]
    [DataRow(new[] { 0.5f, -1.5f, 0f }, new long[] { 1, 3, 1, 1 }, false)]
    [DataRow(new[] { 2.5f, 1f, 0.25f, 3f }, new long[] { 4 }, false)]
    public void PowWithAConstantExponent(float[] exponent, long[] dims, bool asInt64)
    {
        var graph = Graph(3, 5, 4);
        graph.Initializer.Add(asInt64 ? Int64s("c", dims, exponent.Select(v => (long)v).ToArray()) : Floats("c", exponent, dims));
        bool fractional = exponent.Any(v => v != MathF.Round(v));
        if (fractional) Node(graph, "Abs", ["x"], "base");
        Node(graph, "Pow", [fractional ? "base" : "x", "c"], "y");
        var x = Input(2f, 2, 3, 5, 4);
        if (fractional) foreach (ref float v in x.Span) v = MathF.CopySign(MathF.Abs(v) + 0.2f, v); // away from 0, where x^−1.5 has its pole
        OnnxOpCheck.MatchesOnnxRuntime(Model(graph, 15), x, "y");
    }

    [TestMethod]
    public void AnExponentOfEveryRealTypeIsRead()
    {
        // The typed fields ONNX keeps each type in, and raw little-endian bytes.
        var asDouble = new TensorProto { DataType = (int)DataType.Double, Dims = { 2 }, DoubleData = { 0.5, -2 } };
        var asUInt32 = new TensorProto { DataType = (int)DataType.Uint32, Dims = { 2 }, Uint64Data = { 4, 4000000000 } };
        var asInt8 = new TensorProto { DataType = (int)DataType.Int8, Dims = { 1 }, Int32Data = { -3 } };
        var asRawInt16 = new TensorProto { DataType = (int)DataType.Int16, Dims = { 2 }, RawData = Google.Protobuf.ByteString.CopyFrom(0xFE, 0xFF, 7, 0) };
        var asRawUInt64 = new TensorProto { DataType = (int)DataType.Uint64, RawData = Google.Protobuf.ByteString.CopyFrom(BitConverter.GetBytes(9UL)) };
        CollectionAssert.AreEqual(new[] { 0.5f, -2f }, OnnxTensorData.Numbers(asDouble));
        CollectionAssert.AreEqual(new[] { 4f, 4e9f }, OnnxTensorData.Numbers(asUInt32));
        CollectionAssert.AreEqual(new[] { -3f }, OnnxTensorData.Numbers(asInt8));
        CollectionAssert.AreEqual(new[] { -2f, 7f }, OnnxTensorData.Numbers(asRawInt16));
        CollectionAssert.AreEqual(new[] { 9f }, OnnxTensorData.Numbers(asRawUInt64));
        Assert.ThrowsExactly<NotSupportedException>(() => OnnxTensorData.Numbers(new TensorProto { DataType = (int)DataType.Double, Dims = { 3 }, DoubleData = { 1 } }));
        Assert.ThrowsExactly<NotSupportedException>(() => OnnxTensorData.Numbers(new TensorProto { DataType = (int)DataType.Bool, Int32Data = { 1 } }));
    }

    [TestMethod]
    public void PowToTheZerothPowerHasAZeroGradientAtZero()
    {
        var graph = Graph(4);
        graph.Initializer.Add(Floats("c", [0f, 1f, 2f, 0f], 4));
        Node(graph, "Pow", ["x", "c"], "y");
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        network.InputGradientNeeded = true;
        var y = network.Forward(Tensor.FromArray([0f, 0f, 0f, 3f], 1, 4), training: true);
        CollectionAssert.AreEqual(new[] { 1f, 0f, 0f, 1f }, y.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0f, 0f }, network.Backward(Tensor.FromArray([1f, 1f, 1f, 1f], 1, 4)).ToArray());
    }

    [TestMethod]
    public void AnExponentThatDoesNotBroadcastIsRefused()
    {
        var wide = Graph(4);
        wide.Initializer.Add(Floats("c", [1f, 2f, 3f], 3));
        Node(wide, "Pow", ["x", "c"], "y");
        var network = OnnxImporter.Load(new MemoryStream(Model(wide, 13)));
        var e = Assert.ThrowsExactly<NotSupportedException>(() => network.Forward(new Tensor(2, 4), training: false));
        StringAssert.Contains(e.Message, "/y/Pow");
        StringAssert.Contains(e.Message, "[3]");
    }

    [TestMethod]
    public void DropoutsMaskIsAllTrueAtInferenceAndTheDrawnMaskInTraining()
    {
        var graph = Graph(50);
        graph.Initializer.Add(Floats("ratio", [0.3f]));
        Node(graph, "Dropout", ["x", "ratio"], ["y", "mask"]);
        graph.Output.Add(Value("mask"));
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
        network.OutputName = "mask";
        var x = Input(1f, 2, 50);
        Assert.IsTrue(network.Run(x, training: false).Integers("mask").Values.All(v => v == 1));
        CollectionAssert.AreEqual(new[] { 2, 50 }, network.Run(x, training: false).Integers("mask").Shape);

        var values = network.Run(x, training: true);
        var (mask, y) = (values.Integers("mask").Values, values.Tensor("y").ToArray());
        CollectionAssert.AreEqual(y.Select(v => v != 0 ? 1L : 0L).ToArray(), mask, "kept where the output is not zero");
        Assert.IsTrue(mask.Contains(0) && mask.Contains(1), "a ratio of 0.3 over 100 elements drops some and keeps some");
    }
}
