using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// ∂L/∂value for the float values of an imported graph during its backward pass. A value read by several nodes
/// receives one gradient from each; they are summed into a buffer owned here (reused while the shape stays the same).
/// The first gradient is kept by reference: the layer that produced it does not run backward again in the same pass.
/// </summary>
internal sealed class OnnxGradients
{
    private readonly Dictionary<string, Tensor> _gradients = [];
    private readonly Dictionary<string, Tensor> _sums = [];

    public void Clear() => _gradients.Clear();

    public void Accumulate(string name, Tensor gradient)
    {
        if (!_gradients.TryGetValue(name, out var earlier))
        {
            _gradients[name] = gradient;
            return;
        }
        if (!_sums.TryGetValue(name, out var sum) || sum.Shape != gradient.Shape) _sums[name] = sum = new Tensor(gradient.Shape);
        Add.Forward(earlier, gradient, sum); // earlier may be sum itself: element-wise, in place is fine
        _gradients[name] = sum;
    }

    /// <summary>∂L/∂value, or null when nothing downstream of the value reached the loss.</summary>
    public Tensor? Of(string name) => _gradients.GetValueOrDefault(name);
}
