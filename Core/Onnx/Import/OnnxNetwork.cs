using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// An ONNX graph imported by <see cref="OnnxImporter"/>, run as a trainable <see cref="Layer"/>: its nodes are the
/// core's layers and the importer's own steps (broadcasting joins, Concat, MatMul, reshapes and copies) over named values, run in the file's topological order.
/// Backward runs them in reverse and sums the gradients of a value read by several nodes. The graph's weights are the
/// layers' <see cref="Parameter"/>s (batch-norm running statistics are buffers); <see cref="Initializers"/> finds them by
/// their ONNX names. Only the nodes <see cref="OutputName"/> depends on run, and only their layers are
/// <see cref="Layer.Children"/>. Shape arithmetic (int64 Shape/Gather/Concat … feeding a Reshape) is evaluated on every
/// pass from the actual input, so the batch size may change from call to call.
/// </summary>
public sealed class OnnxNetwork : Layer
{
    private readonly OnnxStep[] _steps;
    private readonly Dictionary<string, OnnxStep> _producers;
    private readonly IReadOnlyDictionary<string, IntTensor> _constants;
    private readonly OnnxGradients _gradients = new();
    private readonly OnnxWeightWriter _writer;
    private OnnxStep[] _plan = [];
    private Layer[] _layers = [];
    private string _outputName = "";
    private bool _inputGradientNeeded = true;
    private Tensor? _noGradient;
    private TensorShape _inputShape;

    internal OnnxNetwork(string name, string inputName, IReadOnlyList<string> outputNames, OnnxStep[] steps,
        IReadOnlyDictionary<string, IntTensor> constants, IReadOnlyDictionary<string, Parameter> initializers, OnnxWeightWriter writer)
        : base(name)
    {
        _writer = writer;
        InputName = inputName;
        OutputNames = outputNames;
        _steps = steps;
        _producers = steps.ToDictionary(s => s.Output);
        _constants = constants;
        Initializers = initializers;
        OutputName = outputNames[0];
    }

    /// <summary>The graph input the network reads, float [N, …].</summary>
    public string InputName { get; }

    /// <summary>The values the network can return: the graph's outputs, or the one value it was cut at.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The value <see cref="Layer.Forward"/> returns, one of <see cref="OutputNames"/> (the first by default).</summary>
    public string OutputName
    {
        get => _outputName;
        set
        {
            if (!OutputNames.Contains(value))
                throw new ArgumentException($"'{value}' is not an output of ONNX network '{Name}'; its outputs are {string.Join(", ", OutputNames)}.", nameof(value));
            _outputName = value;
            _plan = Plan(value);
            _layers = _plan.Select(s => s.Layer).OfType<Layer>().ToArray();
            InputGradientNeeded = _inputGradientNeeded;
        }
    }

    /// <summary>
    /// The parameters by the names of the ONNX values their nodes read: an initializer, or an Identity of one where PyTorch
    /// deduplicated equal weights (a MatMul weight is held transposed, a Gemm weight and bias scaled by alpha and beta).
    /// </summary>
    public IReadOnlyDictionary<string, Parameter> Initializers { get; }

    public override IReadOnlyList<Layer> Children => _layers;

    /// <summary>
    /// The imported ONNX model with the current (e.g. fine-tuned) weights and batch-norm statistics: the whole original graph,
    /// whatever the <see cref="OutputName"/> or cut, its other initializers unchanged.
    /// </summary>
    public byte[] ToOnnxBytes() => _writer.ToBytes();

    /// <summary>Writes <see cref="ToOnnxBytes"/> to a file (created or overwritten).</summary>
    public void SaveOnnx(string path) => File.WriteAllBytes(path, ToOnnxBytes());

    public override bool InputGradientNeeded
    {
        get => _inputGradientNeeded;
        set
        {
            _inputGradientNeeded = value;
            foreach (var step in _plan.Where(s => s.Layer is not null && s.Inputs[0] == InputName)) step.Layer!.InputGradientNeeded = value;
        }
    }

    public override TensorShape OutputShape(TensorShape input)
    {
        var values = new OnnxValues(_constants);
        values.SetShape(InputName, input);
        foreach (var step in _plan) step.InferShape(values);
        return values.ShapeOf(OutputName);
    }

    public override Tensor Forward(Tensor input, bool training) => Run(input, training).Tensor(OutputName);

    /// <summary>Runs the steps <see cref="OutputName"/> depends on; the values they computed, int64 ones included.</summary>
    internal OnnxValues Run(Tensor input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new OnnxValues(_constants);
        values.Set(InputName, input);
        foreach (var step in _plan) step.Forward(values, training);
        _inputShape = input.Shape;
        return values;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        _gradients.Clear();
        _gradients.Accumulate(OutputName, gradOutput);
        for (int i = _plan.Length - 1; i >= 0; i--) _plan[i].Backward(_gradients);
        // An output that does not depend on the input (a constant) leaves it without a gradient: zero.
        return _gradients.Of(InputName) ?? Reuse(ref _noGradient, _inputShape);
    }

    /// <summary>The steps <paramref name="output"/> depends on, in the graph's order.</summary>
    private OnnxStep[] Plan(string output)
    {
        var needed = new HashSet<OnnxStep>();
        var pending = new Stack<string>([output]);
        while (pending.TryPop(out var value))
            if (_producers.TryGetValue(value, out var step) && needed.Add(step))
                foreach (var input in step.Inputs) pending.Push(input);
        return _steps.Where(needed.Contains).ToArray();
    }
}
