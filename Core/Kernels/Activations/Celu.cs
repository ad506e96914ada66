namespace MLNet.Cnn.Kernels;

/// <summary>CELU (ONNX Celu, torch.nn.CELU): y = x &gt; 0 ? x : α·(e^(x/α) − 1), α ≠ 0, α = 1 by default.</summary>
public sealed class Celu(float alpha = 1f) : ExponentialLinear(alpha, 1f, alpha)
{
    /// <inheritdoc/>
    public override string ToString() => $"Celu({Alpha})";
}
