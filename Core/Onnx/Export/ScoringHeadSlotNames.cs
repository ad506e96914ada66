using Google.Protobuf;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

public sealed partial class ScoringHead
{
    /// <summary>
    /// Names the slots of the output <paramref name="output"/> (added before) for ML.NET: its <c>OnnxTransformer</c> gives
    /// a column the <c>SlotNames</c> annotation when the graph holds a node named <c>mlnet.{column}.SlotNames</c> with a
    /// <c>keys_strings</c> attribute (the node ML.NET's own ONNX export writes: an ai.onnx.ml LabelEncoder from the names to
    /// their indices, fed a constant and read by nothing). The names travel inside the graph, so a saved model keeps them.
    /// </summary>
    /// <param name="output">The graph output whose slots are named; its ML.NET column has the same name.</param>
    /// <param name="names">Slot i's name, e.g. the class names in key order for class probabilities.</param>
    public ScoringHead SlotNames(string output, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (!_proto.Graph.Output.Any(o => o.Name == output))
            throw new ArgumentException($"'{output}' is not an output of the scoring graph; add it before naming its slots.", nameof(output));
        string node = $"mlnet.{output}.SlotNames", constant = $"{node}.input", unused = $"{node}.output";
        CheckFree(constant);
        CheckFree(unused);
        var one = new TensorProto { Name = constant, DataType = (int)TensorProto.Types.DataType.String };
        one.Dims.Add([1, 1]);
        one.StringData.Add(ByteString.CopyFromUtf8("one"));
        _proto.Graph.Initializer.Add(one);
        var encoder = Node("LabelEncoder", node, [constant], [unused], []);
        encoder.Domain = MLDomain;
        encoder.Attribute.Add(new AttributeProto { Name = "keys_strings", Type = AttributeProto.Types.AttributeType.Strings, Strings = { names.Select(ByteString.CopyFromUtf8) } });
        encoder.Attribute.Add(new AttributeProto { Name = "values_int64s", Type = AttributeProto.Types.AttributeType.Ints, Ints = { Enumerable.Range(0, names.Count).Select(i => (long)i) } });
        _proto.Graph.Node.Add(encoder);
        if (!_proto.OpsetImport.Any(o => o.Domain == MLDomain)) _proto.OpsetImport.Add(new OperatorSetIdProto { Domain = MLDomain, Version = 2 });
        _taken.Add(constant);
        _taken.Add(unused);
        return this;
    }

    /// <summary>The ONNX domain of the traditional-ML operators (LabelEncoder).</summary>
    private const string MLDomain = "ai.onnx.ml";
}
