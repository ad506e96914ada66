using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>y = x: the skip branch of <see cref="Branches"/> (DenseNet, UNet) and a placeholder.</summary>
public sealed class Identity(string name = "identity") : Layer(name)
{
    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => input;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training) => input;
    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput) => gradOutput;
}
