using System.Text.Json;
using MLNet.Cnn.Models;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// A pretrained ONNX network (PyTorch's export, or ours) imported into the core and cut at the value named by
/// <c>FeatureLayer</c> (e.g. "features"): one block, trainable (fine-tuned) or frozen. Its preprocessing comes from the
/// file: the input [N, C, H, W] of the graph, and our exporter's normalization metadata when present (else
/// <c>BackboneNormalization</c>, else none — pixels as the network was trained on them).
/// </summary>
internal sealed class OnnxBackbone : TransferBackbone
{
    private readonly byte[] _bytes;
    private readonly string _cut;

    public OnnxBackbone(string path, string? featureValue, Normalization? normalization)
        : this(File.ReadAllBytes(path), path, featureValue, normalization) { }

    /// <summary>The network in <paramref name="bytes"/> (an ONNX file's contents, perhaps edited); <paramref name="path"/> names it in messages.</summary>
    public OnnxBackbone(byte[] bytes, string path, string? featureValue, Normalization? normalization)
    {
        _bytes = bytes;
        var model = ModelProto.Parser.ParseFrom(_bytes);
        var graph = model.Graph;
        var outputs = graph.Output.Select(o => o.Name).ToArray();
        _cut = featureValue ?? throw new ArgumentException(
            $"Name the value of the ONNX backbone '{path}' to take features from as FeatureLayer " +
            $"(its outputs: {string.Join(", ", outputs)}; any value or node name works).");
        var dims = graph.Input[0].Type.TensorType.Shape.Dim;
        if (dims.Count != 4 || dims.Skip(1).Any(d => d.DimValue <= 0))
            throw new ArgumentException($"The ONNX backbone '{path}' takes '{graph.Input[0].Name}' of shape [{string.Join(", ", dims.Select(d => d.DimValue > 0 ? d.DimValue.ToString() : d.DimParam))}]; " +
                "expected images [N, C, H, W] with known C, H and W.");
        InputShape = new TensorShape(dims.Skip(1).Select(d => (int)d.DimValue).ToArray());
        Normalization = Metadata(model) ?? normalization ?? Normalization.None(InputShape[0]);
        Description = $"'{Path.GetFileName(path)}' (ONNX, input {InputShape}, cut at '{_cut}')";
        var network = Import();
        Blocks = [WholeBlock(_cut, network, InputShape)];
    }

    public override string Description { get; }
    public override string Name => _cut;
    public override TensorShape InputShape { get; }
    public override Normalization Normalization { get; }
    public override IReadOnlyList<LayerInfo> Blocks { get; }

    /// <summary>A fresh import: training never touches another copy.</summary>
    public override IReadOnlyList<Layer> CopyBlocks(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Blocks.Count);
        return count == 0 ? [] : [Import()];
    }

    private OnnxNetwork Import() => OnnxImporter.Load(new MemoryStream(_bytes), _cut);

    private static Normalization? Metadata(ModelProto model)
    {
        float[]? Read(string key) => model.MetadataProps.FirstOrDefault(p => p.Key == key) is { } entry ? JsonSerializer.Deserialize<float[]>(entry.Value) : null;
        bool inGraph = model.MetadataProps.Any(p => p.Key == OnnxExporter.NormalizationInGraphKey && p.Value == "true");
        return !inGraph && Read(OnnxExporter.NormalizationMeanKey) is { } mean && Read(OnnxExporter.NormalizationStdKey) is { } std ? new Normalization(mean, std) : null;
    }
}
