using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Maximum of each channel plane (torch.nn.AdaptiveMaxPool2d(1)): [N, C, H, W] → [N, C, 1, 1]; backward sends each
/// gradient to the plane's winning cell.
/// </summary>
public sealed class GlobalMaxPoolLayer(string name) : Layer(name)
{
    private int[] _argmax = [];
    private Tensor? _input;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        return new TensorShape(input[0], input[1], 1, 1);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        if (_argmax.Length != output.Length) _argmax = new int[output.Length];
        GlobalMaxPool.Forward(input, output, _argmax);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = GradInputBuffer(Saved(_input).Shape);
        GlobalMaxPool.Backward(gradOutput, _argmax, gradInput);
        return gradInput;
    }
}
