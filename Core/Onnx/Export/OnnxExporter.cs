using System.Text.Json;
using Google.Protobuf;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Writes a <see cref="CnnModel"/> as an ONNX model (IR version 8, default-domain opset 13 or later): one graph input
/// "input", float [N, C, H, W] with a dynamic batch N, and one output "logits", the network's output for that input
/// with the same dynamic batch. The graph is the network at inference: batch norm uses its running statistics and
/// dropout is left out. Every parameter is an initializer (raw little-endian float32). <see cref="FeaturesToBytes"/>
/// writes the network cut after one layer instead, as a feature extractor.
/// </summary>
/// <remarks>
/// The input normalization (x − mean) / std is <b>not</b> folded into the "logits" graph: the graph expects inputs already
/// normalized, as <see cref="Layer.Forward"/> does (the feature graph folds it in). The normalization, the input shape
/// [C, H, W] and the class names are written to the model's metadata_props under <see cref="ClassNamesKey"/>,
/// <see cref="InputShapeKey"/>, <see cref="NormalizationMeanKey"/> and <see cref="NormalizationStdKey"/> (JSON arrays), and
/// <see cref="NormalizationInGraphKey"/> says whether the graph applies it ("true") or expects it applied ("false").
/// Padding that depends on the input size ("same") is resolved for the model's input size [H, W]; the exported graph
/// is meant for that size (the batch may vary). A layer, or a setting of one, with no ONNX mapping (a layer type or an
/// activation it does not know, an imported network of another opset) gives a <see cref="NotSupportedException"/> naming
/// the layer; no graph is written then.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The names of the exported graph's input (images [N, C, H, W]), its output (the network's output, logits for a classifier) and, for a featurizer export, its feature output.</summary>
    public const string InputName = "input", OutputName = "logits", FeaturesName = "features";
    /// <summary>The metadata_props keys the export writes (JSON values; see the remarks of <see cref="OnnxExporter"/>).</summary>
    public const string ClassNamesKey = "mlnet.cnn.class_names", InputShapeKey = "mlnet.cnn.input_shape",
        NormalizationMeanKey = "mlnet.cnn.normalization.mean", NormalizationStdKey = "mlnet.cnn.normalization.std",
        NormalizationInGraphKey = "mlnet.cnn.normalization.in_graph", FeatureLayerKey = "mlnet.cnn.features.layer";

    /// <summary>The lowest and highest default-domain opsets this exporter writes.</summary>
    public const int MinOpset = 13, MaxOpset = 21;

    private const long IrVersion = 8;

    /// <summary>Writes the model to a file (created or overwritten).</summary>
    public static void Export(CnnModel model, string path, int opset = 13) => Export(model, path, metadata: null, opset);

    /// <summary>
    /// Writes the model to a file (created or overwritten), with <paramref name="metadata"/> added to the metadata_props
    /// (e.g. <see cref="OnnxTaskMetadata.Detection"/>: what a scorer needs to decode an output that is not class logits).
    /// </summary>
    public static void Export(CnnModel model, string path, IReadOnlyDictionary<string, string>? metadata, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(model, metadata, opset); // fails before the file is touched
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Writes the model to a stream (left open).</summary>
    public static void Export(CnnModel model, Stream stream, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ToBytes(model, opset);
        stream.Write(bytes);
    }

    /// <summary>The serialized ONNX ModelProto.</summary>
    public static byte[] ToBytes(CnnModel model, int opset = 13) => Build(model, opset).ToByteArray();

    /// <summary>
    /// The serialized ONNX ModelProto with <paramref name="metadata"/> added to its metadata_props; a key the exporter
    /// writes itself (mlnet.cnn.class_names, .input_shape, .normalization.*) is refused.
    /// </summary>
    public static byte[] ToBytes(CnnModel model, IReadOnlyDictionary<string, string>? metadata, int opset = 13)
    {
        var proto = Build(model, opset);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (proto.MetadataProps.Any(p => p.Key == key))
                throw new ArgumentException($"The metadata key '{key}' is written by the exporter itself; choose another key.", nameof(metadata));
            proto.MetadataProps.Add(Entry(key, value));
        }
        return proto.ToByteArray();
    }

    /// <summary>
    /// The network cut after <paramref name="layer"/>, as a feature extractor: input "input", the raw pixels [N, C, H, W]
    /// (the model's normalization (x − mean) / std is folded in as a Sub and a Div node, so the graph takes the pixels
    /// before normalization); output "features", that layer's activation flattened to [N, D] (D = its
    /// <see cref="LayerInfo.FeatureCount"/>). The layers after the cut, and their weights, are left out. The layer is named
    /// by its path or its plain name as <see cref="LayerPaths.Find"/> takes it; the metadata records its path under
    /// <see cref="FeatureLayerKey"/>.
    /// </summary>
    public static byte[] FeaturesToBytes(CnnModel model, string layer, int opset = 13) => BuildFeatures(model, layer, opset).ToByteArray();

    internal static ModelProto Build(CnnModel model, int opset)
    {
        var builder = new OnnxGraphBuilder(CheckOpset(opset));
        var (last, shape) = builder.Emit(model.Network, InputName, BatchOfOne(model));
        builder.Finish(last, OutputName);
        return Wrap(model, builder.Graph, opset, shape, OutputName, normalizationInGraph: false);
    }

    internal static ModelProto BuildFeatures(CnnModel model, string layer, int opset)
    {
        CheckOpset(opset);
        var cut = LayerPaths.Find(model, layer);
        var builder = new OnnxGraphBuilder(opset) { Watch = cut.Layer };
        builder.Emit(model.Network, builder.Normalize(InputName, model.Normalization), BatchOfOne(model));
        var (value, shape) = builder.Watched ?? throw new InvalidOperationException($"Layer '{cut.Path}' was not reached while exporting the network.");
        builder.Finish(builder.Flatten(value), FeaturesName);
        var proto = Wrap(model, builder.Graph, opset, new TensorShape(1, shape.SizeFrom(1)), FeaturesName, normalizationInGraph: true);
        OnnxGraphEdits.Prune(proto.Graph);
        proto.MetadataProps.Add(Entry(FeatureLayerKey, cut.Path));
        return proto;
    }

    private static int CheckOpset(int opset) => opset is >= MinOpset and <= MaxOpset
        ? opset
        : throw new ArgumentOutOfRangeException(nameof(opset), opset, $"opset must be in [{MinOpset}, {MaxOpset}].");

    private static TensorShape BatchOfOne(CnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new TensorShape(1, model.InputShape[0], model.InputShape[1], model.InputShape[2]);
    }

    /// <summary>The model around a finished graph: its input and output, the opset, the producer and the metadata.</summary>
    private static ModelProto Wrap(CnnModel model, GraphProto graph, int opset, TensorShape output, string outputName, bool normalizationInGraph)
    {
        graph.Name = model.Network.Name;
        graph.Input.Add(ValueInfo(InputName, BatchOfOne(model)));
        graph.Output.Add(ValueInfo(outputName, output));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MLNet.Cnn",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        proto.MetadataProps.Add(Entry(ClassNamesKey, JsonSerializer.Serialize(model.ClassNames)));
        proto.MetadataProps.Add(Entry(InputShapeKey, JsonSerializer.Serialize(model.InputShape.Dimensions.ToArray())));
        proto.MetadataProps.Add(Entry(NormalizationMeanKey, JsonSerializer.Serialize(model.Normalization.Mean)));
        proto.MetadataProps.Add(Entry(NormalizationStdKey, JsonSerializer.Serialize(model.Normalization.Std)));
        proto.MetadataProps.Add(Entry(NormalizationInGraphKey, normalizationInGraph ? "true" : "false"));
        return proto;
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    /// <summary>A float tensor value with the batch axis dynamic ("N").</summary>
    private static ValueInfoProto ValueInfo(string name, TensorShape shape)
    {
        var dims = new TensorShapeProto();
        dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        for (int i = 1; i < shape.Rank; i++) dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = dims } },
        };
    }
}
