using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>What a parameter is for; optimizers decay only <see cref="Weight"/>s by default (as is usual for CNNs).</summary>
public enum ParameterRole
{
    /// <summary>A weight of a convolution or dense layer (decayed by default).</summary>
    Weight,
    /// <summary>A bias (not decayed by default).</summary>
    Bias,
    /// <summary>Scale and shift of a normalization layer.</summary>
    Normalization,
    /// <summary>A learned activation slope (PReLU): not decayed, and set by its layer, not by the initializer.</summary>
    Slope,
}

/// <summary>
/// A trainable tensor and its gradient. <see cref="Layer.Backward"/> overwrites <see cref="Gradient"/>
/// (every parameter is used once per forward pass); optimizers read it and update <see cref="Value"/>
/// unless the parameter is <see cref="Frozen"/>.
/// </summary>
public sealed class Parameter
{
    /// <param name="name">The parameter's name in the model file, e.g. "conv1.weight".</param>
    /// <param name="value">The values, used in place; the gradient gets the same shape.</param>
    /// <param name="role">What the parameter is for (decides weight decay and initialization).</param>
    public Parameter(string name, Tensor value, ParameterRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new Tensor(value.Shape);
        Role = role;
    }

    /// <summary>The name in the model file, e.g. "conv1.weight".</summary>
    public string Name { get; }
    /// <summary>The trained values.</summary>
    public Tensor Value { get; }
    /// <summary>∂L/∂value of the last backward pass; the shape of <see cref="Value"/>.</summary>
    public Tensor Gradient { get; }
    /// <summary>What the parameter is for.</summary>
    public ParameterRole Role { get; }

    /// <summary>A frozen parameter keeps its value during training (transfer learning, fine-tuning).</summary>
    public bool Frozen { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value.Shape}{(Frozen ? " (frozen)" : "")}";
}
