using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Models;

/// <summary>One row of a <see cref="ModelSummary"/>: a leaf layer of the network (one with no inner layers).</summary>
/// <param name="Path">The layer's path, as <see cref="LayerPaths"/> names it ("layer1.0/conv1").</param>
/// <param name="Layer">The layer itself.</param>
/// <param name="OutputShape">Its output shape for one image of the summary's input shape (no batch axis).</param>
/// <param name="Parameters">The number of values in its parameters.</param>
/// <param name="FrozenParameters">How many of those are in parameters marked <see cref="Parameter.Frozen"/>.</param>
/// <param name="MultiplyAdds">
/// Its multiply-adds for one image: for a convolution (grouped, dilated or transposed) the weight count times the
/// positions the kernel visits, for a dense layer in × out per row; 0 for every other layer (see <see cref="ModelSummary"/>).
/// </param>
public sealed record LayerSummary(string Path, Layer Layer, TensorShape OutputShape, long Parameters, long FrozenParameters, long MultiplyAdds)
{
    /// <summary>The layer's type name ("Conv2dLayer").</summary>
    public string TypeName => Layer.GetType().Name;

    /// <summary>The number of parameter values an optimizer updates (those not frozen).</summary>
    public long TrainableParameters => Parameters - FrozenParameters;

    /// <summary>Whether the layer has parameters and all of them are frozen.</summary>
    public bool Frozen => Parameters > 0 && FrozenParameters == Parameters;

    /// <summary>"trainable", "frozen", "partly frozen", or "" for a layer without parameters.</summary>
    public string Trainability =>
        Parameters == 0 ? "" : FrozenParameters == 0 ? "trainable" : Frozen ? "frozen" : "partly frozen";
}
