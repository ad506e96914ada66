using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Concatenation along the channel axis (1) of tensors [N, Cᵢ, …] that agree on every other dim: the joins of
/// DenseNet, Inception and UNet skips. Backward splits dy into the inputs' gradients. Both are block copies:
/// for each n, input i's Cᵢ·(…) values are contiguous in inputs[i] and in y.
/// </summary>
internal static class Concat
{
    // inputs[i] [N, Cᵢ, …], y [N, ΣCᵢ, …] (not one of the inputs):  y[n, C₀ + … + Cᵢ₋₁ + c, …] = inputs[i][n, c, …]
    public static void Forward(ReadOnlySpan<Tensor> inputs, Tensor y)
    {
        Check(inputs, y, nameof(inputs), nameof(y));
        for (int i = 0; i < inputs.Length; i++) Require.Distinct(y, inputs[i], nameof(y), $"{nameof(inputs)}[{i}]");
        int batch = y.Shape[0], outBlock = y.Shape.SizeFrom(1), offset = 0;
        var ys = y.Span;
        foreach (var x in inputs)
        {
            int block = x.Shape.SizeFrom(1);
            var xs = x.Span;
            for (int n = 0; n < batch; n++) xs.Slice(n * block, block).CopyTo(ys.Slice(n * outBlock + offset, block));
            offset += block;
        }
    }

    // dy [N, ΣCᵢ, …], dInputs[i] [N, Cᵢ, …]:  dInputs[i][n, c, …] = dy[n, C₀ + … + Cᵢ₋₁ + c, …]
    public static void Backward(Tensor dy, ReadOnlySpan<Tensor> dInputs)
    {
        Check(dInputs, dy, nameof(dInputs), nameof(dy));
        int batch = dy.Shape[0], outBlock = dy.Shape.SizeFrom(1), offset = 0;
        var dys = dy.Span;
        foreach (var dx in dInputs)
        {
            int block = dx.Shape.SizeFrom(1);
            var dxs = dx.Span;
            for (int n = 0; n < batch; n++) dys.Slice(n * outBlock + offset, block).CopyTo(dxs.Slice(n * block, block));
            offset += block;
        }
    }

    private static void Check(ReadOnlySpan<Tensor> parts, Tensor whole, string partsName, string wholeName)
    {
        ArgumentNullException.ThrowIfNull(whole, wholeName);
        if (parts.IsEmpty)
            throw new ArgumentException($"{partsName} must hold at least one tensor.", partsName);
        var shape = whole.Shape;
        if (shape.Rank < 2)
            throw new ArgumentException($"{wholeName} must have rank ≥ 2 [N, C, …]; its shape is {shape}.", wholeName);
        int channels = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i] ?? throw new ArgumentNullException(partsName, $"{partsName}[{i}] is null.");
            bool fits = part.Shape.Rank == shape.Rank && part.Shape[0] == shape[0];
            for (int d = 2; fits && d < shape.Rank; d++) fits = part.Shape[d] == shape[d];
            if (!fits)
                throw new ArgumentException(
                    $"{partsName}[{i}] has shape {part.Shape}; every dim but 1 must match {wholeName}, {shape}.", partsName);
            channels += part.Shape[1];
        }
        if (channels != shape[1])
            throw new ArgumentException(
                $"{wholeName} has shape {shape}; expected {channels} channels, the sum over {partsName}.", wholeName);
    }
}
