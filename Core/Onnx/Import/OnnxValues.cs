using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// The named values of one pass over an imported graph: float tensors (or, when only shapes are inferred, their
/// shapes) and the int64 tensors of its shape arithmetic.
/// </summary>
internal sealed class OnnxValues(IReadOnlyDictionary<string, IntTensor> constants)
{
    private readonly Dictionary<string, Tensor> _tensors = [];
    private readonly Dictionary<string, TensorShape> _shapes = [];
    private readonly Dictionary<string, IntTensor> _integers = new(constants);

    public Tensor Tensor(string name) => _tensors.TryGetValue(name, out var t) ? t : throw Missing(name, "float tensor");

    public IntTensor Integers(string name) => _integers.TryGetValue(name, out var v) ? v : throw Missing(name, "int64 tensor");

    /// <summary>The shape of a float value (a tensor, or a shape only), or of an int64 one.</summary>
    public TensorShape ShapeOf(string name) =>
        _shapes.TryGetValue(name, out var s) ? s
        : _integers.TryGetValue(name, out var v) ? new TensorShape(v.Shape)
        : throw Missing(name, "value");

    public void Set(string name, Tensor value)
    {
        _tensors[name] = value;
        _shapes[name] = value.Shape;
    }

    public void SetShape(string name, TensorShape shape) => _shapes[name] = shape;

    public void Set(string name, IntTensor value) => _integers[name] = value;

    private static InvalidOperationException Missing(string name, string kind) =>
        new($"The ONNX value '{name}' ({kind}) has not been computed; the graph's nodes are not in topological order.");
}
