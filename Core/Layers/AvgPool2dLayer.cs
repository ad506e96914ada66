using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Average pooling (torch.nn.AvgPool2d, no dilation): each output is the mean of its window, dividing by the whole
/// window when <see cref="CountIncludePad"/> (PyTorch's default) and by its cells inside the input otherwise.
/// </summary>
public sealed class AvgPool2dLayer : Pool2dLayer
{
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="kernelSize">The side of the square window.</param>
    /// <param name="stride">The step between windows; default the kernel size.</param>
    /// <param name="padding">Padding of the input; default none.</param>
    /// <param name="ceilMode">Round the output size up instead of down (a last, partial window).</param>
    /// <param name="countIncludePad">Divide by the whole window (PyTorch's default) rather than by its cells inside the input.</param>
    public AvgPool2dLayer(string name, int kernelSize, int? stride = null, ConvPadding? padding = null, bool ceilMode = false,
        bool countIncludePad = true) : base(name, kernelSize, stride, padding, 1, ceilMode) => CountIncludePad = countIncludePad;

    /// <summary>A kernel of <paramref name="kernel"/> (height, width), strides (H, W) (the kernel by default).</summary>
    public AvgPool2dLayer(string name, (int Height, int Width) kernel, (int H, int W)? stride = null, ConvPadding? padding = null,
        bool ceilMode = false, bool countIncludePad = true) : base(name, kernel, stride, padding, 1, ceilMode) =>
        CountIncludePad = countIncludePad;

    /// <summary>Whether padded cells count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var g = Geometry(input.Shape);
        var output = OutputBuffer(g.OutputShape);
        AvgPool2d.Forward(g, input, output, CountIncludePad);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var g = Geometry(Saved(_input).Shape);
        var gradInput = GradInputBuffer(g.InputShape);
        AvgPool2d.Backward(g, gradOutput, gradInput, CountIncludePad);
        return gradInput;
    }
}
