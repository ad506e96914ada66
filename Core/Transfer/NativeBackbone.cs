using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Transfer;

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
            : [WholeBlock(model.Network.Name, model.Network, model.InputShape)];
    }

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
}
