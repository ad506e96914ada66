using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// A trained network that transfer learning starts from: the input it declares (shape and normalization), its top-level
/// blocks in forward order, and fresh copies of the first blocks as core layers to build the new network from. The
/// backbone itself is never changed. <see cref="FromModel"/> and <see cref="FromFile"/> take a <see cref="CnnModel"/> of
/// this library; <see cref="FromOnnx"/> imports an ONNX network; another kind joins by implementing these members.
/// </summary>
public abstract class TransferBackbone
{
    /// <summary>A network of this library, copied at once (later changes to <paramref name="model"/> do not reach the backbone).</summary>
    public static TransferBackbone FromModel(CnnModel model) => new NativeBackbone(model, "in memory");

    /// <summary>A <c>.cnn</c> model file (<see cref="ModelFile"/>), or an <c>.onnx</c> file imported into the core and cut at <paramref name="onnxFeatureValue"/>.</summary>
    public static TransferBackbone FromFile(string path, string? onnxFeatureValue = null, Normalization? onnxNormalization = null) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? FromOnnx(path, onnxFeatureValue, onnxNormalization)
            : new NativeBackbone(ModelFile.Load(path), $"file {path}");

    /// <summary>
    /// An ONNX network imported into the core and cut at the value or node <paramref name="featureValue"/> (e.g.
    /// "features"); <paramref name="normalization"/> applies when the file has no normalization metadata of ours.
    /// </summary>
    public static TransferBackbone FromOnnx(string path, string? featureValue, Normalization? normalization = null) =>
        new OnnxBackbone(path, featureValue, normalization);

    /// <summary>For messages: what the backbone is and where it came from.</summary>
    public abstract string Description { get; }

    /// <summary>A short name of the backbone (for a native network its name, for an ONNX backbone the value the cut was made at).</summary>
    public abstract string Name { get; }

    /// <summary>One image as the backbone takes it, [C, H, W].</summary>
    public abstract TensorShape InputShape { get; }

    /// <summary>The per-channel (x − mean) / std its inputs got in its own training.</summary>
    public abstract Normalization Normalization { get; }

    /// <summary>The top-level blocks in forward order, each with its output shape for one image.</summary>
    public abstract IReadOnlyList<LayerInfo> Blocks { get; }

    /// <summary>Independent copies of the first <paramref name="count"/> blocks, with the backbone's weights and buffers.</summary>
    public abstract IReadOnlyList<Layer> CopyBlocks(int count);

    /// <summary>
    /// How many blocks a cut after <paramref name="featureLayer"/> keeps: the blocks up to and including the named one.
    /// Null cuts before the last block (the backbone's own classifier). An unknown name lists the blocks.
    /// </summary>
    public int Cut(string? featureLayer)
    {
        var blocks = Blocks;
        if (featureLayer is null)
        {
            if (blocks.Count < 2)
                throw new ArgumentException($"The backbone {Description} has one block ({Choices()}); name it as FeatureLayer to keep it.");
            return blocks.Count - 1;
        }
        for (int i = 0; i < blocks.Count; i++)
            if (blocks[i].Path == featureLayer) return i + 1;
        var inside = blocks.FirstOrDefault(b => featureLayer.StartsWith(b.Path + LayerPaths.Separator, StringComparison.Ordinal));
        string where = inside is null ? "is not a block of it" : $"is inside its block '{inside.Path}'; the cut is made after a top-level block";
        throw new ArgumentException(
            $"FeatureLayer '{featureLayer}' {where}. The backbone {Description} has these top-level blocks " +
            $"(name, type, output shape for one image): {Choices()}.", nameof(featureLayer));
    }

    /// <summary>
    /// The backbone's features as a network of its own: copies of its blocks up to and including <paramref name="featureLayer"/>
    /// (all of them when null: a backbone ready to use ends at its features), with its input shape and normalization and no
    /// classes — what a featurizer runs and what can be exported.
    /// </summary>
    public CnnModel FeatureModel(string? featureLayer = null)
    {
        int kept = featureLayer is null ? Blocks.Count : Cut(featureLayer);
        return new CnnModel(new Sequential(Name, [.. CopyBlocks(kept)]), InputShape, [], Normalization);
    }

    private string Choices() => string.Join(", ", Blocks);

    /// <summary>A block that is all of <paramref name="layer"/>, with its output shape for one image of shape <paramref name="input"/> [C, H, W].</summary>
    private protected static LayerInfo WholeBlock(string path, Layer layer, TensorShape input) =>
        new(path, layer, new TensorShape(layer.OutputShape(new TensorShape([1, .. input.Dimensions])).Dimensions[1..].ToArray()));
}

