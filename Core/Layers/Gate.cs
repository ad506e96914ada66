using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// y = x ⊙ gate(x) with gate(x) of shape [N, C, 1, 1] broadcast over H, W: squeeze-and-excitation
/// (gate = global pool → dense → ReLU → dense → sigmoid). ∂L/∂x = g ⊙ s + gate′ᵀ·(Σ_{h,w} g ⊙ x).
/// </summary>
public sealed class Gate : Layer
{
    private readonly Layer _gate;
    private Tensor? _input, _scale, _gradScale, _gradDirect, _gradSum, _scalePlanes;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="gate">The layer computing the gate [N, C, 1, 1] from the input (e.g. pool → dense → ReLU → dense → sigmoid).</param>
    public Gate(string name, Layer gate) : base(name) => _gate = gate ?? throw new ArgumentNullException(nameof(gate));

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Children => [_gate];

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        var scale = _gate.OutputShape(input);
        if (input.Rank != 4 || scale != new TensorShape(input[0], input[1], 1, 1))
            throw BadInput(input, $"[N, C, H, W] with a gate giving [N, C, 1, 1] (it gives {scale})");
        return input;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        OutputShape(input.Shape);
        var scale = _gate.Forward(input, training);
        var output = OutputBuffer(input.Shape);
        Mul.Forward(input, scale, output);
        if (training) (_input, _scale) = (input, scale);
        return output;
    }

    /// <summary>
    /// Inference on channel blocks: the gate reads them (its global average pool in place, see <see cref="GlobalAvgPoolLayer"/>)
    /// and the channels are scaled on the blocks, which stay blocks.
    /// </summary>
    internal override InferenceValue Infer(InferenceValue input)
    {
        if (input.Blocks is not { } blocks) return base.Infer(input);
        OutputShape(blocks.PlanesShape);
        var scale = _gate.Infer(input).ToPlanes(ref _scalePlanes);
        var output = OutputBlocks(blocks.PlanesShape);
        blocks.ScaleChannels(scale, output);
        return InferenceValue.Of(output);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = Saved(_input);
        var direct = Reuse(ref _gradDirect, input.Shape);
        var gradScale = Reuse(ref _gradScale, Saved(_scale).Shape);
        Mul.Backward(input, _scale!, gradOutput, direct, gradScale);
        var throughGate = _gate.Backward(gradScale);
        var sum = Reuse(ref _gradSum, input.Shape);
        Add.Forward(direct, throughGate, sum);
        return sum;
    }
}
