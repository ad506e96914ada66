using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// What an inference convolution does besides conv(x, w) + b, all while each piece of its output is still in cache
/// (<see cref="Layers.FusedConvolution"/>): y = f(conv(x, s ⊙ w) + b + r) with
/// <see cref="WeightScale"/> s [Cout] multiplying output channel m's weights as the kernel packs them (a batch norm folded in),
/// <see cref="Addend"/> r, a tensor of y's shape added to it (the skip connection of a residual block), and
/// <see cref="Activation"/> f applied last. Each may be null. With them goes <see cref="Packing"/>, where the kernel may keep its
/// packed weights between inference calls of the layer (null: packed on every call).
/// </summary>
internal readonly record struct ConvEpilogue(Tensor? WeightScale = null, Tensor? Addend = null, Activation? Activation = null,
    WeightPackCache? Packing = null)
{
    /// <summary>r then f on a piece of y already holding conv + b: count floats at y, whose addend sits at the same offset.</summary>
    internal unsafe void Finish(float* y, long offset, long count)
    {
        if (Addend is not null) VectorMath.Add(Addend.Pointer + offset, y, checked((int)count));
        Activation?.ForwardInPlace(y, count);
    }
}
