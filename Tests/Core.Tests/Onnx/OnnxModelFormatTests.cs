using Google.Protobuf;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// What the ONNX file format allows beyond a graph with its weights inside: weights in external files, sparse
/// initializers, several graph inputs, a batch fixed at export, ops of other domains and model-local functions.
/// </summary>
[TestClass]
public sealed class OnnxModelFormatTests
{
    private static readonly float[] Weight = TestData.Floats(3, 2 * 2 * 3 * 3);

    /// <summary>x [N, 2, 4, 4] → Conv (2 → 2, 3×3, weight "w") → y.</summary>
    private static ModelProto ConvModel(TensorProto weight)
    {
        var graph = new GraphProto { Name = "conv" };
        graph.Input.Add(Value("x", "N", 2, 4, 4));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(weight);
        Node(graph, "Conv", ["x", "w"], "y", Ints("kernel_shape", 3, 3));
        return ModelProto.Parser.ParseFrom(Model(graph, 13));
    }

    private static Tensor Expected(Tensor x) => OnnxImporter.Load(new MemoryStream(ConvModel(Floats("w", Weight, 2, 2, 3, 3)).ToByteArray())).Forward(x, false);

    [TestMethod]
    public void WeightsInAnExternalFileBesideTheModelAreRead()
    {
        using var folder = new TemporaryFolder();
        var model = ConvModel(External("w", "weights.bin", offset: 16));
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        File.WriteAllBytes(Path.Combine(folder.Path, "weights.bin"), [.. new byte[16], .. Bytes(Weight)]);

        var x = TestData.Tensor(5, 2, 2, 4, 4);
        var network = OnnxImporter.Load(path);
        CollectionAssert.AreEqual(Expected(x).ToArray(), network.Forward(x, false).ToArray());
        // The model saved back holds its weights inside: it loads from a stream.
        CollectionAssert.AreEqual(Expected(x).ToArray(), OnnxImporter.Load(new MemoryStream(network.ToOnnxBytes())).Forward(x, false).ToArray());
    }

    [TestMethod]
    public void ExternalWeightsThatCannotBeReadAreRefusedByName()
    {
        using var folder = new TemporaryFolder();
        string Save(ModelProto model)
        {
            string path = Path.Combine(folder.Path, "model.onnx");
            File.WriteAllBytes(path, model.ToByteArray());
            return path;
        }
        File.WriteAllBytes(Path.Combine(folder.Path, "short.bin"), new byte[10]);

        var fromStream = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(ConvModel(External("w", "weights.bin")).ToByteArray()), name: "net.onnx"));
        StringAssert.Contains(fromStream.Message, "ONNX model 'net.onnx'");
        StringAssert.Contains(fromStream.Message, "'weights.bin'");

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => OnnxImporter.Load(Save(ConvModel(External("w", "absent.bin")))));
        StringAssert.Contains(missing.Message, "'w'");
        var outside = Assert.ThrowsExactly<InvalidDataException>(() => OnnxImporter.Load(Save(ConvModel(External("w", "../secret.bin")))));
        StringAssert.Contains(outside.Message, "not inside the model's folder");
        var truncated = Assert.ThrowsExactly<InvalidDataException>(() => OnnxImporter.Load(Save(ConvModel(External("w", "short.bin", length: 144)))));
        StringAssert.Contains(truncated.Message, "which holds 10");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ASparseInitializerIsTheDenseWeightItStands(bool coordinates)
    {
        var nonZero = Enumerable.Range(0, Weight.Length).Where(i => i % 3 != 0).ToArray();
        var sparse = new SparseTensorProto
        {
            Values = Floats("w", nonZero.Select(i => Weight[i]).ToArray(), nonZero.Length),
            Indices = coordinates
                ? Int64s("i", [nonZero.Length, 4], [.. nonZero.SelectMany(i => new long[] { i / 18, i / 9 % 2, i / 3 % 3, i % 3 })])
                : Int64s("i", [nonZero.Length], [.. nonZero.Select(i => (long)i)]),
        };
        sparse.Dims.AddRange([2, 2, 3, 3]);
        var model = ConvModel(Floats("unused", [0], 1));
        model.Graph.Initializer.Clear();
        model.Graph.SparseInitializer.Add(sparse);

        var dense = Weight.Select((w, i) => i % 3 != 0 ? w : 0).ToArray();
        var x = TestData.Tensor(6, 1, 2, 4, 4);
        var expected = OnnxImporter.Load(new MemoryStream(ConvModel(Floats("w", dense, 2, 2, 3, 3)).ToByteArray())).Forward(x, false);
        CollectionAssert.AreEqual(expected.ToArray(), OnnxImporter.Load(new MemoryStream(model.ToByteArray())).Forward(x, false).ToArray());
    }

    [TestMethod]
    public void OpsOfAnotherDomainAndModelLocalFunctionsAreRefusedByName()
    {
        var custom = ConvModel(Floats("w", Weight, 2, 2, 3, 3));
        custom.Graph.Node[0].Domain = "com.microsoft";
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(custom.ToByteArray())));
        StringAssert.Contains(e.Message, "domain 'com.microsoft'");

        custom.Graph.Node[0].Domain = "local";
        custom.Functions.Add(new FunctionProto { Domain = "local", Name = "Conv" });
        e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(custom.ToByteArray())));
        StringAssert.Contains(e.Message, "model-local function 'local.Conv'");
    }

    /// <summary>z = Relu(x) + y·y, from two graph inputs x and y of [N, 3, 2, 2].</summary>
    private static OnnxNetwork TwoInputs()
    {
        var graph = new GraphProto { Name = "two" };
        graph.Input.Add(Value("x", "N", 3, 2, 2));
        graph.Input.Add(Value("y", "N", 3, 2, 2));
        graph.Output.Add(Value("z"));
        graph.Output.Add(Value("r"));
        Node(graph, "Relu", ["x"], "r");
        Node(graph, "Mul", ["y", "y"], "yy");
        Node(graph, "Add", ["r", "yy"], "z");
        return OnnxImporter.Load(new MemoryStream(Model(graph, 13)));
    }

    [TestMethod]
    public void AGraphOfTwoInputsRunsAndTrainsByName()
    {
        var network = TwoInputs();
        CollectionAssert.AreEqual(new[] { "x", "y" }, network.InputNames.ToArray());
        var x = TestData.Distinct(1, 2, 3, 2, 2);
        var y = TestData.Tensor(2, 2, 3, 2, 2);
        var z = network.Forward(new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y }, training: false);
        for (int i = 0; i < z.Length; i++) Assert.AreEqual(Math.Max(0, x.Span[i]) + y.Span[i] * y.Span[i], z.Span[i], 1e-6f);
        Assert.AreEqual(new TensorShape(2, 3, 2, 2), network.OutputShape(new Dictionary<string, TensorShape> { ["x"] = x.Shape, ["y"] = y.Shape }));

        var joined = TestData.ToDouble([.. x.ToArray(), .. y.ToArray()]);
        GradientCheck.AssertMatchesFiniteDifferences("z = relu(x) + y²", joined,
            v => TestData.ToDouble(network.Forward(Split(v), training: true).Span),
            g =>
            {
                network.Forward(Split(joined), training: true);
                var grads = network.BackwardToInputs(Tensor.FromArray(g.Select(d => (float)d).ToArray(), 2, 3, 2, 2));
                return TestData.ToDouble([.. grads["x"].ToArray(), .. grads["y"].ToArray()]);
            },
            step: 1e-2, tolerance: 2e-2);
    }

    private static Dictionary<string, Tensor> Split(double[] xy) => new()
    {
        ["x"] = Tensor.FromArray(xy[..24].Select(v => (float)v).ToArray(), 2, 3, 2, 2),
        ["y"] = Tensor.FromArray(xy[24..].Select(v => (float)v).ToArray(), 2, 3, 2, 2),
    };

    [TestMethod]
    public void AnOutputOfOneInputRunsAsALayerAndOneOfTwoNamesThem()
    {
        var network = TwoInputs();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => network.Forward(TestData.Tensor(1, 1, 3, 2, 2), false));
        StringAssert.Contains(error.Message, "'x', 'y'");
        var missing = Assert.ThrowsExactly<ArgumentException>(() => network.Forward(new Dictionary<string, Tensor> { ["x"] = TestData.Tensor(1, 1, 3, 2, 2) }, false));
        StringAssert.Contains(missing.Message, "'y' was not given");

        network.OutputName = "r";
        Assert.AreEqual("x", network.InputName);
        var x = TestData.Distinct(3, 1, 3, 2, 2);
        CollectionAssert.AreEqual(x.ToArray().Select(v => Math.Max(0, v)).ToArray(), network.Forward(x, false).ToArray());
    }

    [TestMethod]
    public void AnIntegerGraphInputIsRefusedByName()
    {
        var graph = new GraphProto { Name = "ints" };
        graph.Input.Add(Value("x", "N", 3));
        graph.Input.Add(new ValueInfoProto { Name = "k", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64 } } });
        graph.Output.Add(Value("y"));
        Node(graph, "Relu", ["x"], "y");
        var e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxImporter.Load(new MemoryStream(Model(graph, 13))));
        StringAssert.Contains(e.Message, "graph input 'k' has element type Int64");
    }

    [TestMethod]
    public void AGraphExportedAtBatchOneRunsAtAnyBatch()
    {
        // x [1, 2, 3, 3] fixed at export → Reshape to the constant [1, −1] (as exporters write a flatten at batch 1) → Relu.
        var graph = new GraphProto { Name = "fixed" };
        var shape = new TensorShapeProto();
        foreach (long d in new long[] { 1, 2, 3, 3 }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } });
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(Int64s("flat", [2], 1, -1));
        Node(graph, "Reshape", ["x", "flat"], "f");
        Node(graph, "Relu", ["f"], "y");
        var network = OnnxImporter.Load(new MemoryStream(Model(graph, 13)));

        var x = TestData.Distinct(4, 3, 2, 3, 3);
        var y = network.Forward(x, false);
        Assert.AreEqual(new TensorShape(3, 18), y.Shape);
        Assert.AreEqual(new TensorShape(3, 18), network.OutputShape(x.Shape));
        CollectionAssert.AreEqual(x.ToArray().Select(v => Math.Max(0, v)).ToArray(), y.ToArray());
    }

    private static TensorProto External(string name, string location, long offset = 0, long? length = null)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange([2, 2, 3, 3]);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (length ?? Weight.Length * 4L).ToString() });
        return tensor;
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
