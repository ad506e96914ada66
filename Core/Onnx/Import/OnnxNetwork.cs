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
/// pass from the actual input, so the batch size may change from call to call. A graph of several float inputs runs
/// through <see cref="Forward(IReadOnlyDictionary{string, Tensor}, bool)"/> and <see cref="BackwardToInputs"/>; the
/// single-tensor <see cref="Layer"/> calls serve an output that depends on one of them.
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
    private string[] _neededInputs = [];
    private bool _inputGradientNeeded = true;
    private Dictionary<string, TensorShape> _inputShapes = [];
    private readonly Dictionary<string, Tensor> _noGradients = [];

    internal OnnxNetwork(string name, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, OnnxStep[] steps,
        IReadOnlyDictionary<string, IntTensor> constants, IReadOnlyDictionary<string, Parameter> initializers, OnnxWeightWriter writer)
        : base(name)
    {
        _writer = writer;
        InputNames = inputNames;
        OutputNames = outputNames;
        _steps = steps;
        _producers = steps.ToDictionary(s => s.Output);
        _constants = constants;
        Initializers = initializers;
        OutputName = outputNames[0];
    }

    /// <summary>The graph's float inputs (those that are not initializers), each [N, …].</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The graph input <see cref="OutputName"/> depends on, when it is one (the usual network of one image input).</summary>
    public string InputName => _neededInputs.Length == 1 ? _neededInputs[0]
        : throw new InvalidOperationException($"ONNX network '{Name}' computes '{OutputName}' from the inputs {Listed(_neededInputs)}; pass them by name to Forward(IReadOnlyDictionary<string, Tensor>, bool).");

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
            _neededInputs = InputNames.Where(i => i == value || _plan.Any(s => s.Inputs.Contains(i))).ToArray();
            _layers = _plan.Select(s => s.Layer).OfType<Layer>().ToArray();
            InputGradientNeeded = _inputGradientNeeded;
        }
    }

    /// <summary>
    /// The parameters by the names of the ONNX values their nodes read: an initializer, or an Identity of one where PyTorch
    /// deduplicated equal weights (a MatMul weight is held transposed, a Gemm weight and bias scaled by alpha and beta).
    /// </summary>
    public IReadOnlyDictionary<string, Parameter> Initializers { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Children => _layers;

    /// <summary>
    /// The imported ONNX model with the current (e.g. fine-tuned) weights and batch-norm statistics: the whole original graph,
    /// whatever the <see cref="OutputName"/> or cut, its other initializers unchanged.
    /// </summary>
    public byte[] ToOnnxBytes() => _writer.ToBytes();

    /// <summary>Writes <see cref="ToOnnxBytes"/> to a file (created or overwritten).</summary>
    public void SaveOnnx(string path) => File.WriteAllBytes(path, ToOnnxBytes());

    /// <inheritdoc/>
    public override bool InputGradientNeeded
    {
        get => _inputGradientNeeded;
        set
        {
            _inputGradientNeeded = value;
            foreach (var step in _plan.Where(s => s.Layer is not null && InputNames.Contains(s.Inputs[0]))) step.Layer!.InputGradientNeeded = value;
        }
    }

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input) => OutputShape(new Dictionary<string, TensorShape> { [InputName] = input });

    /// <summary>The shape of <see cref="OutputName"/> for inputs of the given shapes, by name.</summary>
    public TensorShape OutputShape(IReadOnlyDictionary<string, TensorShape> inputs)
    {
        var values = new OnnxValues(_constants);
        foreach (var name in _neededInputs) values.SetShape(name, Needed(inputs, name));
        foreach (var step in _plan) step.InferShape(values);
        return values.ShapeOf(OutputName);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training) => Run(input, training).Tensor(OutputName);

    /// <summary>Runs the steps <see cref="OutputName"/> depends on, from its one input; the values they computed, int64 ones included.</summary>
    internal OnnxValues Run(Tensor input, bool training) =>
        Run(new Dictionary<string, Tensor> { [InputName] = input ?? throw new ArgumentNullException(nameof(input)) }, training);

    /// <summary><see cref="OutputName"/> computed from the graph inputs it depends on, by name.</summary>
    public Tensor Forward(IReadOnlyDictionary<string, Tensor> inputs, bool training) => Run(inputs, training).Tensor(OutputName);

    /// <summary>Runs the steps <see cref="OutputName"/> depends on; the values they computed, int64 ones included.</summary>
    internal OnnxValues Run(IReadOnlyDictionary<string, Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new OnnxValues(_constants);
        _inputShapes = [];
        foreach (var name in _neededInputs)
        {
            var input = Needed(inputs, name);
            values.Set(name, input);
            _inputShapes[name] = input.Shape;
        }
        foreach (var step in _plan) step.Forward(values, training);
        return values;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput) => BackwardToInputs(gradOutput)[InputName];

    /// <summary>∂L/∂input for each graph input the last <see cref="Forward(IReadOnlyDictionary{string, Tensor}, bool)"/> read, from ∂L/∂output.</summary>
    public IReadOnlyDictionary<string, Tensor> BackwardToInputs(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        _gradients.Clear();
        _gradients.Accumulate(OutputName, gradOutput);
        for (int i = _plan.Length - 1; i >= 0; i--) _plan[i].Backward(_gradients);
        // An input the output does not depend on through a differentiable path (only its shape is read) gets a zero gradient.
        return _inputShapes.ToDictionary(p => p.Key, p => _gradients.Of(p.Key) ?? NoGradient(p.Key, p.Value));
    }

    private Tensor NoGradient(string input, TensorShape shape)
    {
        var zero = _noGradients.GetValueOrDefault(input);
        _noGradients[input] = Reuse(ref zero, shape);
        return _noGradients[input];
    }

    private T Needed<T>(IReadOnlyDictionary<string, T> inputs, string name) =>
        inputs.TryGetValue(name, out var value) && value is not null ? value
        : throw new ArgumentException($"ONNX network '{Name}' computes '{OutputName}' from the inputs {Listed(_neededInputs)}; '{name}' was not given.", nameof(inputs));

    private static string Listed(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

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
