namespace MLNet.Cnn.Kernels;

/// <summary>ELU (ONNX Elu, torch.nn.ELU): y = x &gt; 0 ? x : α·(e^x − 1), α = 1 by default.</summary>
public sealed class Elu(float alpha = 1f) : ExponentialLinear(alpha, 1f, 1f)
{
    /// <inheritdoc/>
    public override string ToString() => $"Elu({Alpha})";
}
