using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Local response normalization across channels (torch.nn.LocalResponseNorm, AlexNet):
/// b_c = a_c / (k + α/size · Σ_{c' in the size-channel window around c} a_c'²)^β. Defaults are PyTorch's.
/// </summary>
public sealed class LrnLayer : Layer
{
    private Tensor? _input;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="size">The number of neighbouring channels summed over.</param>
    /// <param name="alpha">α, the scale of the sum.</param>
    /// <param name="beta">β, the exponent.</param>
    /// <param name="k">The additive constant.</param>
    public LrnLayer(string name, int size, float alpha = 1e-4f, float beta = 0.75f, float k = 1f) : base(name)
    {
        Lrn.CheckParameters(size, alpha, beta, k);
        Size = size; Alpha = alpha; Beta = beta; K = k;
    }

    /// <summary>The number of neighbouring channels summed over.</summary>
    public int Size { get; }
    /// <summary>α, the scale of the sum of squares.</summary>
    public float Alpha { get; }
    /// <summary>β, the exponent.</summary>
    public float Beta { get; }
    /// <summary>k, the additive constant.</summary>
    public float K { get; }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        if (input.Rank != 4) throw BadInput(input, "[N, C, H, W]");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var output = OutputBufferFor(input.Shape);
        Lrn.Forward(input, output, Size, Alpha, Beta, K);
        _input = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var gradInput = GradInputBuffer(input.Shape);
        Lrn.Backward(input, gradOutput, gradInput, Size, Alpha, Beta, K);
        return gradInput;
    }
}
