using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// One node of an imported ONNX graph as <see cref="OnnxNetwork"/> runs it: it reads the named values
/// <see cref="Inputs"/> (weights are not among them: they live in the step's layer) and writes <see cref="Output"/>.
/// </summary>
internal abstract class OnnxStep(string node, string[] inputs, string output)
{
    /// <summary>The ONNX node's name (its op type and index when the file gives none).</summary>
    public string Node { get; } = node;

    public IReadOnlyList<string> Inputs { get; } = inputs;

    public string Output { get; } = output;

    /// <summary>The layer holding the node's parameters, if it has one.</summary>
    public virtual Layer? Layer => null;

    public abstract void Forward(OnnxValues values, bool training);

    /// <summary>Records the output's shape (and computes int64 outputs) from the inputs' shapes, without running layers.</summary>
    public abstract void InferShape(OnnxValues values);

    /// <summary>Adds ∂L/∂input for each float input from ∂L/∂output (when the output reached the loss at all).</summary>
    public abstract void Backward(OnnxGradients gradients);

    public override string ToString() => $"{Node}: ({string.Join(", ", Inputs)}) → {Output}";
}
