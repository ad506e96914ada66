using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Max pooling (torch.nn.MaxPool2d): each output is the maximum of its window, padding counting as −∞. In training the
/// winning cell of every window (argmax) is kept, and backward sends each output gradient to it.
/// </summary>
public sealed class MaxPool2dLayer : Pool2dLayer
{
    private int[] _argmax = [];
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="kernelSize">The side of the square window.</param>
    /// <param name="stride">The step between windows; default the kernel size.</param>
    /// <param name="padding">Padding of the input (counting as −∞); default none.</param>
    /// <param name="dilation">The spacing of the window's cells (1: adjacent).</param>
    /// <param name="ceilMode">Round the output size up instead of down (a last, partial window).</param>
    public MaxPool2dLayer(string name, int kernelSize, int? stride = null, ConvPadding? padding = null, int dilation = 1,
        bool ceilMode = false) : base(name, kernelSize, stride, padding, dilation, ceilMode) { }

    /// <summary>A kernel of <paramref name="kernel"/> (height, width), strides (H, W) (the kernel by default).</summary>
    public MaxPool2dLayer(string name, (int Height, int Width) kernel, (int H, int W)? stride = null, ConvPadding? padding = null,
        int dilation = 1, bool ceilMode = false) : base(name, kernel, stride, padding, dilation, ceilMode) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var g = Geometry(input.Shape);
        var output = OutputBuffer(g.OutputShape);
        _input = training ? input : null;
        if (!training)
        {
            MaxPool2d.ForwardValues(g, input, output);   // no backward pass: no winners to keep
            return output;
        }
        if (_argmax.Length != output.Length) _argmax = new int[output.Length];
        MaxPool2d.Forward(g, input, output, _argmax);
        return output;
    }

    /// <summary>
    /// Inference into channel blocks (<see cref="MaxPoolChannelBlocked"/>) when they are on and the CPU has them: from channel
    /// blocks, or from planes with more channels than one vector holds (as the direct convolution asks of its outputs: a ResNet
    /// stem's 64, so its first stage runs on blocks; LeNet's 6 and 16 stay on planes). Planes otherwise, and in ceil mode when
    /// it adds a window.
    /// </summary>
    internal override unsafe InferenceValue Infer(InferenceValue input)
    {
        int lanes = ChannelBlocks.CurrentLanes;
        if (!Sequential.InferOnChannelBlocks || lanes == 0 || input.Shape.Rank != 4 || (input.Blocks is null && input.Shape[1] <= lanes))
            return base.Infer(input);
        var g = Geometry(input.Shape);
        if (MaxPoolChannelBlocked.Windows(g) is not { } windows) return base.Infer(input);
        var output = OutputBlocks(g.OutputShape);
        float* x = input.Blocks is { } blocks ? blocks.Data.Pointer : input.Planes!.Pointer;
        if (lanes == 16) MaxPoolChannelBlocked.Forward<Float512>(windows, x, input.Blocks is not null, output.Data.Pointer);
        else MaxPoolChannelBlocked.Forward<Float256>(windows, x, input.Blocks is not null, output.Data.Pointer);
        return InferenceValue.Of(output);
    }

    /// <summary>
    /// The winning cell of every window of <paramref name="input"/> [N, C, H, W] as its index h·W + w in its input plane
    /// (−1 for a window that reads padding only), one per output [N, C, Hout, Wout]: ONNX MaxPool's Indices output. The
    /// layer's state (what a backward pass uses) is left as it was.
    /// </summary>
    internal int[] Winners(Tensor input)
    {
        var g = Geometry(input.Shape);
        var winners = new int[g.OutputShape.Length];
        MaxPool2d.Forward(g, input, new Tensor(g.OutputShape), winners);
        return winners;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var g = Geometry(Saved(_input).Shape);
        var gradInput = GradInputBuffer(g.InputShape);
        MaxPool2d.Backward(g, gradOutput, _argmax, gradInput);
        return gradInput;
    }
}
