using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Layers;

/// <summary>
/// y = concat over channels of branch_i(x): Inception modules, SqueezeNet's fire expand, and, with an
/// <see cref="Identity"/> branch, DenseNet's concatenation and UNet's skip connections.
/// Backward splits g by channels, runs each branch backward and sums their input gradients.
/// </summary>
public sealed class Branches : Layer
{
    private readonly Layer[] _branches;
    private Tensor[] _gradParts = [];
    private Tensor? _gradSum;

    /// <param name="name">The layer's name, unique within its parent.</param>
    /// <param name="branches">The branches, each taking the same input and giving the same N, H, W; their outputs are concatenated in this order.</param>
    public Branches(string name, params Layer[] branches) : base(name)
    {
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Length < 2) throw new ArgumentException($"Branches '{name}' needs at least two branches.", nameof(branches));
        _branches = branches;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Children => _branches;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input)
    {
        var shapes = _branches.Select(b => b.OutputShape(input)).ToArray();
        var first = shapes[0];
        if (shapes.Any(s => s.Rank != 4 || s[0] != first[0] || s[2] != first[2] || s[3] != first[3]))
            throw BadInput(input, $"branches that agree on batch, height and width (they give {string.Join(", ", shapes)})");
        return new TensorShape(first[0], shapes.Sum(s => s[1]), first[2], first[3]);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        var outputs = new Tensor[_branches.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = _branches[i].Forward(input, training);
        var output = OutputBuffer(OutputShape(input.Shape));
        Concat.Forward(outputs, output);
        if (_gradParts.Length != outputs.Length || _gradParts.Where((p, i) => p.Shape != outputs[i].Shape).Any())
            _gradParts = outputs.Select(o => new Tensor(o.Shape)).ToArray();
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        Concat.Backward(gradOutput, _gradParts);
        Tensor? sum = null;
        for (int i = 0; i < _branches.Length; i++)
        {
            var grad = _branches[i].Backward(_gradParts[i]);
            if (sum is null)
            {
                sum = Reuse(ref _gradSum, grad.Shape);
                grad.Span.CopyTo(sum.Span);
            }
            else Add.Forward(sum, grad, sum);
        }
        return sum!;
    }
}
