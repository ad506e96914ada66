using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A trained network a transfer trainer starts from: the input it declares (shape and normalization), its top-level blocks
/// in forward order, and fresh copies of the first blocks as core layers to build the new network from. The backbone
/// itself is never changed. <see cref="NativeBackbone"/> is a <see cref="CnnModel"/> of this library (in memory or a
/// <c>.cnn</c> file); another kind (e.g. a network imported from ONNX) joins by implementing these members.
/// </summary>
internal abstract class TransferBackbone
{
    /// <summary>For messages: what the backbone is and where it came from.</summary>
    public abstract string Description { get; }

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
                throw new ArgumentException($"The backbone {Description} has one block ({Choices()}); name it as {nameof(CnnTransferOptions.FeatureLayer)} to keep it.");
            return blocks.Count - 1;
        }
        for (int i = 0; i < blocks.Count; i++)
            if (blocks[i].Path == featureLayer) return i + 1;
        var inside = blocks.FirstOrDefault(b => featureLayer.StartsWith(b.Path + LayerPaths.Separator, StringComparison.Ordinal));
        string where = inside is null ? "is not a block of it" : $"is inside its block '{inside.Path}'; the cut is made after a top-level block";
        throw new ArgumentException(
            $"{nameof(CnnTransferOptions.FeatureLayer)} '{featureLayer}' {where}. The backbone {Description} has these top-level blocks " +
            $"(name, type, output shape for one image): {Choices()}.", nameof(featureLayer));
    }

    private string Choices() => string.Join(", ", Blocks);
}

/// <summary>A backbone that is a <see cref="CnnModel"/> of this library: its blocks are the children of its root layer.</summary>
internal sealed class NativeBackbone : TransferBackbone
{
    private readonly CnnModel _model;
    private readonly byte[] _file;

    public NativeBackbone(CnnModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Description = $"'{model.Network.Name}' ({source}, input {model.InputShape})";
        // A snapshot in the model-file format: the blocks are copied from it, so training never touches the caller's model.
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        _file = stream.ToArray();
        var children = LayerPaths.List(model).Where(l => !l.Path.Contains(LayerPaths.Separator)).ToList();
        Blocks = model.Network.Children.Count > 0
            ? children
            : [new LayerInfo(model.Network.Name, model.Network, RemoveBatch(model.Network.OutputShape(new TensorShape([1, .. model.InputShape.Dimensions]))))];
    }

    public static NativeBackbone FromFile(string path) => new(ModelFile.Load(path), $"file {path}");

    public override string Description { get; }
    public override string Name => _model.Network.Name;
    public override TensorShape InputShape => _model.InputShape;
    public override Normalization Normalization => _model.Normalization;
    public override IReadOnlyList<LayerInfo> Blocks { get; }

    public override IReadOnlyList<Layer> CopyBlocks(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Blocks.Count);
        var copy = ModelFile.Load(new MemoryStream(_file), Description).Network;
        return copy.Children.Count > 0 ? copy.Children.Take(count).ToList() : [copy];
    }

    private static TensorShape RemoveBatch(TensorShape shape) => new(shape.Dimensions[1..].ToArray());
}
