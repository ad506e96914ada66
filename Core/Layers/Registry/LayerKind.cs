using System.Text.Json.Nodes;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// What one layer type is besides its forward and backward pass, registered once: its entry in the model file (the
/// "type" it is written under, its settings as JSON and the layer built back from them), the ONNX nodes it is exported
/// as, and the ONNX ops the importer builds it from. <see cref="LayerRegistry"/> holds one per layer type;
/// <see cref="Models.LayerCatalog"/> (the model file), <see cref="OnnxGraphBuilder"/> (the exporter) and
/// <see cref="OnnxGraphImport"/> (the importer) look layer types up there and nowhere else.
/// </summary>
internal sealed class LayerKind
{
    private readonly Func<Layer, JsonObject>? _write;
    private readonly Func<string, JsonObject, Layer[], Layer>? _read;
    private readonly Func<OnnxGraphBuilder, Layer, string, TensorShape, TensorShape, string> _export;
    private readonly Func<OnnxNodeReader, OnnxGraphImport, OnnxStep>? _import;

    private LayerKind(Type layerType, string? fileType, Func<Layer, JsonObject>? write, Func<string, JsonObject, Layer[], Layer>? read,
        Func<OnnxGraphBuilder, Layer, string, TensorShape, TensorShape, string> export, string[] onnxOps,
        Func<OnnxNodeReader, OnnxGraphImport, OnnxStep>? import)
    {
        LayerType = layerType;
        FileType = fileType;
        OnnxOps = onnxOps;
        (_write, _read, _export, _import) = (write, read, export, import);
    }

    public Type LayerType { get; }

    /// <summary>The "type" of the layer's model-file entry; null for a layer the model file does not hold.</summary>
    public string? FileType { get; }

    /// <summary>
    /// The ONNX ops the importer turns into this layer. Empty for a layer whose nodes come back as the graph's own steps
    /// (a container's Add, Concat or Mul join, a Flatten or Reshape view) rather than as a layer of this type.
    /// </summary>
    public IReadOnlyList<string> OnnxOps { get; }

    /// <summary>
    /// The registration of layer type <typeparamref name="T"/>: <paramref name="file"/>, the "type" of its model-file entry,
    /// with <paramref name="write"/> (its settings as JSON; the caller writes its children) and <paramref name="read"/> (the
    /// layer from its name, settings and children, parameters at their constructor values), all three null for a layer the
    /// model file does not hold; <paramref name="export"/>, its nodes applied to value x of shape input (batch 1) with the
    /// output value returned; and the ONNX ops <paramref name="importFrom"/> that <paramref name="import"/> turns into a
    /// layer of the type applied to the node's first input or, where that layer depends on values the graph computes,
    /// <paramref name="importStep"/> into a step of the imported network.
    /// </summary>
    public static LayerKind Of<T>(string? file, Func<T, JsonObject>? write, Func<string, JsonObject, Layer[], T>? read,
        Func<OnnxGraphBuilder, T, string, TensorShape, TensorShape, string> export, string[]? importFrom = null,
        Func<OnnxNodeReader, OnnxGraphImport, T>? import = null, Func<OnnxNodeReader, OnnxGraphImport, OnnxStep>? importStep = null) where T : Layer
    {
        if ((file is null) != (write is null) || (file is null) != (read is null))
            throw new ArgumentException($"{typeof(T).Name}: a model-file entry needs its type, write and read together.");
        if ((importFrom is null) != (import is null && importStep is null) || (import is not null && importStep is not null))
            throw new ArgumentException($"{typeof(T).Name}: an ONNX import needs its ops and one import together.");
        return new LayerKind(typeof(T), file, write is null ? null : layer => write((T)layer), read,
            (onnx, layer, x, input, output) => export(onnx, (T)layer, x, input, output), importFrom ?? [],
            importStep ?? (import is null ? null : (node, graph) => new LayerStep(node.Name, node.Input(0), node.Output, import(node, graph))));
    }

    /// <summary>The layer's settings for its model-file entry.</summary>
    public JsonObject Write(Layer layer) => (_write ?? throw NotInTheModelFile())(layer);

    /// <summary>The layer built back from <see cref="Write"/>'s settings and its children.</summary>
    public Layer Read(string name, JsonObject config, Layer[] children) => (_read ?? throw NotInTheModelFile())(name, config, children);

    /// <summary>Appends the layer's nodes applied to value <paramref name="x"/> (of shape <paramref name="input"/>, batch 1); returns the output value.</summary>
    public string Export(OnnxGraphBuilder onnx, Layer layer, string x, TensorShape input, TensorShape output) => _export(onnx, layer, x, input, output);

    /// <summary>The step computing ONNX node <paramref name="node"/> (one of <see cref="OnnxOps"/>) with a layer of this type, its weights taken from the graph.</summary>
    public OnnxStep Import(OnnxNodeReader node, OnnxGraphImport graph) =>
        (_import ?? throw new InvalidOperationException($"Layer type {LayerType.Name} is imported from no ONNX op."))(node, graph);

    private InvalidOperationException NotInTheModelFile() => new($"Layer type {LayerType.Name} has no model-file entry.");
}
