using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>Mean of each channel plane (torch.nn.AdaptiveAvgPool2d(1)): [N, C, H, W] → [N, C, 1, 1].</summary>
public sealed class GlobalAvgPoolLayer(string name) : Layer(name)
{
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
        GlobalAveragePool.Forward(input, output);
        _input = training ? input : null;
        return output;
    }

    /// <summary>Inference on channel blocks reads them in place (no turn back into planes): the means come out as planes [N, C, 1, 1].</summary>
    internal override InferenceValue Infer(InferenceValue input)
    {
        if (input.Blocks is not { } blocks) return base.Infer(input);
        var output = OutputBufferFor(blocks.PlanesShape);
        blocks.MeanPerChannel(output);
        return InferenceValue.Of(output);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = GradInputBuffer(Saved(_input).Shape);
        GlobalAveragePool.Backward(gradOutput, gradInput);
        return gradInput;
    }
}
