using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>What a parameter is for; optimizers decay only <see cref="Weight"/>s by default (as is usual for CNNs).</summary>
public enum ParameterRole
{
    Weight,
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
    public Parameter(string name, Tensor value, ParameterRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new Tensor(value.Shape);
        Role = role;
    }

    public string Name { get; }
    public Tensor Value { get; }
    public Tensor Gradient { get; }
    public ParameterRole Role { get; }

    /// <summary>A frozen parameter keeps its value during training (transfer learning, fine-tuning).</summary>
    public bool Frozen { get; set; }

    public override string ToString() => $"{Name} {Value.Shape}{(Frozen ? " (frozen)" : "")}";
}
