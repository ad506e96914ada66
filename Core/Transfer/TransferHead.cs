using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Transfer;

/// <summary>
/// The new classifier put on a cut backbone: flatten → [dense(<see cref="Hidden"/>) → ReLU] → [dropout(<see cref="Dropout"/>)]
/// → dense(classes). The default is one dense layer from the backbone's features to the classes.
/// </summary>
public sealed record TransferHead
{
    /// <summary>Units of a hidden dense + ReLU layer (0: none).</summary>
    public int Hidden { get; init; }

    /// <summary>Dropout before the last dense layer (0: none).</summary>
    public float Dropout { get; init; }

    internal void Validate()
    {
        if (Hidden < 0) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "The head's hidden width must be 0 (none) or positive.");
        if (!(Dropout is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "The head's dropout must be in [0, 1).");
    }

    /// <summary>The head's layers, from <paramref name="features"/> inputs per image to <paramref name="classes"/> logits; the dropout draws from <paramref name="seed"/> + 1.</summary>
    public Sequential Build(string name, int features, int classes, int seed)
    {
        Validate();
        var layers = new List<Layer> { new FlattenLayer("flatten") };
        int width = features;
        if (Hidden > 0)
        {
            layers.Add(new DenseLayer("hidden", width, Hidden));
            layers.Add(new ActivationLayer("relu", new ReLU()));
            width = Hidden;
        }
        if (Dropout > 0) layers.Add(new DropoutLayer("dropout", Dropout, seed + 1));
        layers.Add(new DenseLayer("classifier", width, classes));
        return new Sequential(name, [.. layers]);
    }
}
