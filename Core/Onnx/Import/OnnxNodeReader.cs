using MLNet.Cnn.Onnx.Proto;
using AttributeType = MLNet.Cnn.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// One ONNX node while it is imported: its name, inputs and output, and its attributes, each read through a typed getter
/// with ONNX's default. An attribute the importer never read is one it does not understand: <see cref="RefuseUnread"/>
/// throws for it, so nothing is silently ignored.
/// </summary>
internal sealed class OnnxNodeReader(NodeProto node, int index)
{
    private readonly HashSet<string> _read = [];

    public string OpType => node.OpType;

    /// <summary>The operator set the op belongs to: "" (or "ai.onnx") for the standard ops, else a custom domain or a model-local function's.</summary>
    public string Domain => node.Domain;

    /// <summary>The node's position in the graph.</summary>
    public int Index => index;

    /// <summary>The node's name, or its op type and position when the file gives none.</summary>
    public string Name { get; } = string.IsNullOrEmpty(node.Name) ? $"{node.OpType}_{index}" : node.Name;

    /// <summary>The node's inputs; an omitted optional input is "".</summary>
    public IReadOnlyList<string> Inputs => node.Input;

    public string Input(int i) => i < node.Input.Count ? node.Input[i] : "";

    public string Output => node.Output.Count > 0 ? node.Output[0] : throw new InvalidDataException($"ONNX node '{Name}' (op {OpType}) has no output.");

    /// <summary>All the node's outputs (Split has several); an omitted optional output is "".</summary>
    public IReadOnlyList<string> Outputs => node.Output;

    /// <summary>Whether the node has outputs beyond the first that something may read (MaxPool's indices, Dropout's mask).</summary>
    public bool HasExtraOutputs => node.Output.Skip(1).Any(o => o != "");

    public bool Has(string name)
    {
        _read.Add(name);
        return node.Attribute.Any(a => a.Name == name);
    }

    public long Int(string name, long fallback) => Find(name, AttributeType.Int)?.I ?? fallback;

    public float Float(string name, float fallback) => Find(name, AttributeType.Float)?.F ?? fallback;

    public string String(string name, string fallback) => Find(name, AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    public long[]? Ints(string name) => Find(name, AttributeType.Ints)?.Ints.ToArray();

    public float[]? Floats(string name) => Find(name, AttributeType.Floats)?.Floats.ToArray();

    public TensorProto? Tensor(string name) => Find(name, AttributeType.Tensor)?.T;

    /// <summary>The error for a value of an attribute (or an input) the importer cannot map.</summary>
    public NotSupportedException Unsupported(string attribute, string why) =>
        new($"ONNX node '{Name}' (op {OpType}): attribute '{attribute}' is not supported: {why}.");

    /// <summary>Throws for the first attribute no getter asked for.</summary>
    public void RefuseUnread()
    {
        var unread = node.Attribute.FirstOrDefault(a => !_read.Contains(a.Name));
        if (unread is not null) throw Unsupported(unread.Name, "the importer does not know this attribute of the op");
    }

    private AttributeProto? Find(string name, AttributeType type)
    {
        _read.Add(name);
        var attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (attribute is not null && attribute.Type != type) throw Unsupported(name, $"it has type {attribute.Type}, expected {type}");
        return attribute;
    }
}
