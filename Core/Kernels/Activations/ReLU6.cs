namespace MLNet.Cnn.Kernels;

/// <summary>ReLU6 (MobileNet): y = min(max(x, 0), 6), the <see cref="Clip"/> to [0, 6].</summary>
public sealed class ReLU6() : Clip(0f, 6f)
{
    /// <inheritdoc/>
    public override string ToString() => nameof(ReLU6);
}
