using Google.Protobuf;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tests.Support;
using static MLNet.Cnn.Tests.Support.OnnxGraphs;

namespace MLNet.Cnn.Tests.Fuzz;

/// <summary>
/// ONNX models (<see cref="OnnxImporter.Load(string, string?)"/>): a small hand-built graph (convolution, batch norm, shape
/// arithmetic, reshape, dense) and the shared Fashion-MNIST ResNet as seeds; mutated bytes (huge varints are huge lengths and
/// counts to protobuf) and graph edits: duplicated nodes, cycles, nodes in reverse order, missing outputs, tensors with huge
/// or negative dimensions or another element type, attributes with boundary values, no graph or no opset. A refusal is a
/// <see cref="NotSupportedException"/> (what the importer cannot map), an <see cref="InvalidDataException"/> (not a valid
/// model) or an <see cref="InvalidOperationException"/> (nodes out of order), all naming the file.
/// </summary>
[TestClass]
public sealed class OnnxFuzzTests
{
    [TestMethod]
    public void MutatedOnnxModelsAreReadOrRefusedWithTheirName()
    {
        byte[][] seeds = [SmallGraph(), WithSparseWeight(SmallGraph()), File.ReadAllBytes(TestModels.PathOf("fmnist-resnet-small.onnx"))];
        var target = new FuzzTarget(".onnx", seeds, path => OnnxImporter.Load(path),
            typeof(NotSupportedException), typeof(InvalidDataException), typeof(InvalidOperationException)) { Structural = EditGraph };
        Console.WriteLine(FuzzRunner.Run(target, cases: 2000, seed: 6));
    }

    /// <summary>x [N, 1, 4, 4] → Conv 2×3×3 → BatchNormalization → Relu → Reshape to [N, Shape(x)[0]… 32] → Gemm → y [N, 3].</summary>
    private static byte[] SmallGraph()
    {
        var graph = new GraphProto { Name = "small" };
        graph.Input.Add(Value("x", "N", 1, 4, 4));
        graph.Output.Add(Value("y", "N", 3));
        graph.Initializer.Add(Floats("w", TestData.Floats(1, 18), 2, 1, 3, 3));
        graph.Initializer.Add(Floats("b", [0.5f, -0.5f], 2));
        foreach (var (name, value) in new[] { ("scale", 1f), ("shift", 0f), ("mean", 0.1f), ("var", 2f) })
            graph.Initializer.Add(Floats(name, [value, value], 2));
        graph.Initializer.Add(Floats("fc", TestData.Floats(2, 96), 3, 32));
        graph.Initializer.Add(Int64s("zero", [1], 0));
        graph.Initializer.Add(Int64s("features", [1], 32));
        Node(graph, "Conv", ["x", "w", "b"], "conv", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        Node(graph, "BatchNormalization", ["conv", "scale", "shift", "mean", "var"], "bn");
        Node(graph, "Relu", ["bn"], "relu");
        Node(graph, "Shape", ["relu"], "shape");
        Node(graph, "Gather", ["shape", "zero"], "batch", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        Node(graph, "Concat", ["batch", "features"], "target", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        Node(graph, "Reshape", ["relu", "target"], "flat");
        Node(graph, "Gemm", ["flat", "fc"], "y", new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var bytes = model.ToByteArray();
        OnnxImporter.Load(new MemoryStream(bytes));   // the seed itself imports
        return bytes;
    }

    /// <summary>The graph with its dense weight "fc" [3, 32] stored as a sparse initializer of [NNZ, 2] coordinates (every other value).</summary>
    private static byte[] WithSparseWeight(byte[] bytes)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var fc = model.Graph.Initializer.Single(t => t.Name == "fc");
        var values = OnnxTensorData.Floats(fc);
        var kept = Enumerable.Range(0, values.Length).Where(i => i % 2 == 0).ToArray();
        var sparse = new SparseTensorProto
        {
            Values = Floats("fc", kept.Select(i => values[i]).ToArray(), kept.Length),
            Indices = Int64s("fc_indices", [kept.Length, 2], [.. kept.SelectMany(i => new long[] { i / 32, i % 32 })]),
        };
        sparse.Dims.AddRange(fc.Dims);
        model.Graph.Initializer.Remove(fc);
        model.Graph.SparseInitializer.Add(sparse);
        var result = model.ToByteArray();
        OnnxImporter.Load(new MemoryStream(result));   // the seed itself imports
        return result;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>One edit of the parsed model, the kinds of damage a byte mutation seldom makes whole.</summary>
    private static (byte[], string) EditGraph(byte[] file, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(file);
        var nodes = model.Graph.Node;
        int i = random.Next(nodes.Count), j = random.Next(i, nodes.Count);
        long value = FileMutator.BoundaryValues[random.Next(FileMutator.BoundaryValues.Length)];
        string what;
        switch (random.Next(9))
        {
            case 0:
                nodes.Insert(j, nodes[i].Clone());
                what = $"node {i} repeated at {j}";
                break;
            case 1:
                if (nodes[i].Input.Count == 0) nodes[i].Input.Add("");
                nodes[i].Input[0] = nodes[j].Output[0];
                what = $"node {i} reads node {j}'s output (a cycle)";
                break;
            case 2:
                var reversed = nodes.Reverse().ToArray();
                nodes.Clear();
                nodes.AddRange(reversed);
                what = "nodes in reverse order";
                break;
            case 3:
                nodes[i].Output.Clear();
                what = $"node {i} without outputs";
                break;
            case 4:
                var tensor = model.Graph.Initializer[random.Next(model.Graph.Initializer.Count)];
                if (tensor.Dims.Count == 0) tensor.Dims.Add(1);
                int d = random.Next(tensor.Dims.Count);
                tensor.Dims[d] = value;
                what = $"initializer '{tensor.Name}' dimension {d} = {value}";
                break;
            case 5:
                var changed = model.Graph.Initializer[random.Next(model.Graph.Initializer.Count)];
                changed.DataType = random.Next(17);
                what = $"initializer '{changed.Name}' of element type {changed.DataType}";
                break;
            case 6:
                var attributes = nodes[i].Attribute;
                if (attributes.Count == 0) return (file, "no attribute to change");
                var attribute = attributes[random.Next(attributes.Count)];
                attribute.I = value;
                for (int k = 0; k < attribute.Ints.Count; k++) attribute.Ints[k] = random.Next(2) == 0 ? value : attribute.Ints[k];
                what = $"node {i} attribute '{attribute.Name}' = {value}";
                break;
            case 7:
                model.Graph = null;
                what = "no graph";
                break;
            default:
                model.OpsetImport.Clear();
                what = "no opset";
                break;
        }
        return (model.ToByteArray(), what);
    }
}
