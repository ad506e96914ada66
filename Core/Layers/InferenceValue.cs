using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// A value passed between layers at inference (<see cref="Layer.Infer"/>): planes [N, C, H, W] (or any other tensor), or the
/// same values as <see cref="ChannelBlocks"/>, which convolutions write and read without turning them back into planes.
/// Exactly one of the two is set.
/// </summary>
internal readonly record struct InferenceValue(Tensor? Planes, ChannelBlocks? Blocks)
{
    public static InferenceValue Of(Tensor planes) => new(planes, null);

    public static InferenceValue Of(ChannelBlocks blocks) => new(null, blocks);

    /// <summary>The shape of the value as planes.</summary>
    public TensorShape Shape => Planes?.Shape ?? Blocks!.PlanesShape;

    /// <summary>The value as planes: itself, or its blocks turned into <paramref name="buffer"/> (reused while the shape stays the same).</summary>
    public Tensor ToPlanes(ref Tensor? buffer)
    {
        if (Planes is not null) return Planes;
        var shape = Blocks!.PlanesShape;
        if (buffer is null || buffer.Shape != shape) buffer = new Tensor(shape);
        Blocks.ToPlanes(buffer);
        return buffer;
    }

    /// <summary>The value as channel blocks: itself, or its planes turned into <paramref name="buffer"/>.</summary>
    public ChannelBlocks ToBlocks(ref Tensor? buffer)
    {
        if (Blocks is not null) return Blocks;
        int lanes = ChannelBlocks.CurrentLanes;
        var shape = ChannelBlocks.ShapeFor(Planes!.Shape, lanes);
        if (buffer is null || buffer.Shape != shape) buffer = new Tensor(shape);
        var blocks = new ChannelBlocks(buffer, Planes.Shape, lanes);
        ChannelBlocks.FromPlanes(Planes, blocks);
        return blocks;
    }
}
