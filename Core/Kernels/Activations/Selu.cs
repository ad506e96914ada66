namespace MLNet.Cnn.Kernels;

/// <summary>
/// SELU (ONNX Selu, torch.nn.SELU): y = γ·(x &gt; 0 ? x : α·(e^x − 1)); the defaults are the self-normalizing constants
/// α ≈ 1.67326, γ ≈ 1.05070 (ONNX's float values).
/// </summary>
public sealed class Selu(float alpha = Selu.DefaultAlpha, float gamma = Selu.DefaultGamma) : ExponentialLinear(alpha, gamma, 1f)
{
    /// <summary>The self-normalizing α and γ of Klambauer et al. (2017), as ONNX's float defaults.</summary>
    public const float DefaultAlpha = 1.67326319217681884765625f, DefaultGamma = 1.05070102214813232421875f;

    /// <summary>γ, the scale of both branches.</summary>
    public float Gamma { get; } = Finite(gamma, nameof(gamma));

    /// <inheritdoc/>
    public override string ToString() => $"Selu({Alpha}, {Gamma})";
}
