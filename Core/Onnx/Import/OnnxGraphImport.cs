using MLNet.Cnn.Layers;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// Turns the nodes of one ONNX graph into <see cref="OnnxStep"/>s, in the file's (topological) order. It knows which
/// values are constants (initializers and Constant nodes, read while importing: weights, Clip bounds, Reshape targets)
/// and which are int64 shape arithmetic (computed on every pass by <see cref="IntegerStep"/>s); every other value is a
/// float tensor computed by a join (the broadcasting element-wise ops, Concat, MatMul), a view (Reshape, Flatten, …), a
/// Transpose, Expand, Tile, Gather, Slice or Split that moves values, a reduction (ReduceMean, ReduceSum, ReduceMax,
/// ReduceL2), or a layer: the one whose <see cref="LayerKind"/> in <see cref="LayerRegistry"/> imports the node's op.
/// A float node of constants only is computed once, here, into a constant (<see cref="Fold"/>).
/// </summary>
internal sealed class OnnxGraphImport
{
    private readonly ModelProto _model;
    private readonly GraphProto _graph;
    private readonly Dictionary<string, TensorProto> _constants = [];
    private readonly Dictionary<string, IntTensor> _integerConstants = [];
    private readonly HashSet<string> _integerValues = [];
    private readonly Dictionary<string, Parameter> _initializers = [];
    private readonly Dictionary<string, Func<float[]>> _trainedValues = [];
    private readonly List<OnnxStep> _steps = [];
    private readonly HashSet<string> _computed = []; // the graph input and the steps' outputs

    public OnnxGraphImport(ModelProto model, int opset)
    {
        _model = model;
        _graph = model.Graph;
        Opset = opset;
        foreach (var initializer in _graph.Initializer) AddConstant(initializer.Name, initializer);
    }

    /// <summary>The default-domain opset, which decides some defaults and whether an argument is an attribute or an input.</summary>
    public int Opset { get; }

    /// <summary>The batch the graph was exported with when its inputs all declare the same fixed dim 0; null when it is free.</summary>
    public long? FixedBatch { get; private set; }

    public OnnxNetwork Build(string? cutAt)
    {
        var inputs = _graph.Input.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length == 0) throw new NotSupportedException("The ONNX graph has no input that is not an initializer.");
        foreach (var input in inputs)
        {
            int type = input.Type?.TensorType?.ElemType ?? (int)TensorProto.Types.DataType.Float;
            if (type != (int)TensorProto.Types.DataType.Float)
                throw new NotSupportedException($"ONNX graph input '{input.Name}' has element type {(TensorProto.Types.DataType)type}; only float inputs are supported.");
            _computed.Add(input.Name);
        }
        var batches = inputs.Select(i => i.Type?.TensorType?.Shape?.Dim.FirstOrDefault() is { ValueCase: TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue } d ? d.DimValue : (long?)null).Distinct().ToArray();
        FixedBatch = batches.Length == 1 ? batches[0] : null;
        for (int i = 0; i < _graph.Node.Count; i++) Import(new OnnxNodeReader(_graph.Node[i], i));

        string[] outputs = cutAt is null ? _graph.Output.Select(o => o.Name).ToArray() : [Resolve(cutAt)];
        return new OnnxNetwork(string.IsNullOrEmpty(_graph.Name) ? "onnx" : _graph.Name, inputs.Select(i => i.Name).ToArray(), outputs, _steps.ToArray(),
            _integerConstants, _initializers, new OnnxWeightWriter(_model, _trainedValues, _constants));
    }

    public bool IsConstant(string value) => _constants.ContainsKey(value);

    public bool IsInteger(string value) => _integerValues.Contains(value);

    /// <summary>A constant's values as floats; <paramref name="node"/> and <paramref name="what"/> name it in the error when it is not a constant.</summary>
    public float[] Floats(OnnxNodeReader node, string value, string what) => OnnxTensorData.Floats(Constant(node, value, what));

    /// <summary>A constant of any real number type as floats (Pow's exponent may be an integer tensor).</summary>
    public float[] Numbers(OnnxNodeReader node, string value, string what) => OnnxTensorData.Numbers(Constant(node, value, what));

    public long[] Integers(OnnxNodeReader node, string value, string what) => OnnxTensorData.Integers(Constant(node, value, what));

    public int[] Dims(OnnxNodeReader node, string value, string what) => OnnxTensorData.Dims(Constant(node, value, what));

    /// <summary>
    /// Copies initializer <paramref name="value"/> into a layer's parameter, or <paramref name="values"/> derived from it,
    /// which <paramref name="toOnnx"/> turns back into the initializer's layout when the trained network is saved.
    /// </summary>
    public void Load(OnnxNodeReader node, Parameter parameter, string value, float[]? values = null, Func<float[], float[]>? toOnnx = null)
    {
        values ??= Floats(node, value, parameter.Name);
        if (values.Length != parameter.Value.Length)
            throw new NotSupportedException($"ONNX node '{node.Name}' (op {node.OpType}): initializer '{value}' holds {values.Length} values; its layer expects {parameter.Value.Shape}.");
        // One copy per layer: a weight two nodes read (tied in the source) would no longer be tied after training, so it is refused.
        if (!_initializers.TryAdd(value, parameter))
            throw new NotSupportedException($"ONNX node '{node.Name}' (op {node.OpType}): initializer '{value}' is also used by another node; shared weights are not supported.");
        values.CopyTo(parameter.Value.Span);
        _trainedValues[value] = () => toOnnx is null ? parameter.Value.ToArray() : toOnnx(parameter.Value.ToArray());
    }

    /// <summary>Copies initializer <paramref name="value"/> into a layer's state (batch-norm statistics), saved back with the network.</summary>
    public void Load(OnnxNodeReader node, Tensor state, string value, string what)
    {
        var values = Floats(node, value, what);
        if (values.Length != state.Length)
            throw new NotSupportedException($"ONNX node '{node.Name}' (op {node.OpType}): initializer '{value}' holds {values.Length} values; its layer expects {state.Shape}.");
        values.CopyTo(state.Span);
        _trainedValues[value] = state.ToArray;
    }

    private TensorProto Constant(OnnxNodeReader node, string value, string what) =>
        _constants.TryGetValue(value, out var tensor) ? tensor
        : throw node.Unsupported(what, $"input '{value}' is computed by the graph; only a constant (initializer) is supported there");

    private void Import(OnnxNodeReader node)
    {
        if (node.Domain is not ("" or "ai.onnx"))
            throw new NotSupportedException(_model.Functions.Any(f => f.Domain == node.Domain && f.Name == node.OpType)
                ? $"ONNX node '{node.Name}' calls the model-local function '{node.Domain}.{node.OpType}'; inline the model's functions (onnx.inliner.inline_local_functions) before importing it."
                : $"ONNX node '{node.Name}': op '{node.OpType}' of domain '{node.Domain}' is not a standard ONNX op and is not supported by the importer.");
        if (node.OpType == "Constant") AddConstant(node.Output, ConstantValue(node));
        // PyTorch's exporter keeps one initializer of several with equal values (SqueezeNet's zero biases) and passes it to
        // the others through Identity nodes: each gets its own parameter, as in the PyTorch model.
        else if (node.OpType == "Identity" && IsConstant(node.Input(0))) AddConstant(node.Output, _constants[node.Input(0)]);
        else if (node.OpType == "Shape" || IsInteger(node.Input(0)))
        {
            _integerValues.Add(node.Output);
            Add(new IntegerStep(node.Name, Computed(node.Inputs), node.Output, OnnxIntegerOps.For(node, this)));
        }
        else
        {
            var steps = node.OpType == "Split" ? OnnxSlices.Split(node, this).ToArray<OnnxStep>() : FloatSteps(node).ToArray();
            if (node.Inputs.All(i => i == "" || IsConstant(i))) Fold(node, steps);
            else foreach (var step in steps) Add(step);
            // The int64 second outputs of a float op: MaxPool's Indices, Dropout's mask.
            if (SecondOutput(node, steps[^1]) is { } second)
            {
                _integerValues.Add(second.Output);
                Add(second);
            }
            // LayerNormalization's optional float outputs, Mean and InvStdDev.
            if (node.OpType == "LayerNormalization") foreach (var statistic in RowStatisticStep.Extra(node, this)) Add(statistic);
        }
        node.RefuseUnread();
    }

    private static OnnxStep? SecondOutput(OnnxNodeReader node, OnnxStep step) => node.OpType switch
    {
        "MaxPool" => MaxPoolIndicesStep.For(node, step),
        "Dropout" when node.HasExtraOutputs => new DropoutMaskStep(node.Name, step.Output, node.Outputs[1], (DropoutLayer)step.Layer!),
        _ => null,
    };

    /// <summary>
    /// A float node of constants only (a Reshape or Transpose of a weight, a Concat of constants) is computed here, once:
    /// its steps run on the constants, and their outputs become constants too.
    /// </summary>
    private void Fold(OnnxNodeReader node, OnnxStep[] steps)
    {
        if (steps.Any(s => s.Layer is not null))
            throw node.Unsupported("inputs", "a layer applied to a constant input (only computed inputs are supported there)");
        var values = new OnnxValues(_integerConstants);
        foreach (var input in node.Inputs.Where(i => i != "" && !IsInteger(i)))
        {
            var dims = Dims(node, input, "input");
            if (dims.Length == 0 && steps.Any(s => s.Inputs.Contains(input)))
                throw node.Unsupported("inputs", $"the scalar constant '{input}' as the data input (tensors of one axis at least are supported)");
            if (dims.Length > 0) values.Set(input, Tensor.FromArray(Floats(node, input, "input"), dims));
        }
        foreach (var step in steps)
        {
            step.Forward(values, training: false);
            var result = values.Tensor(step.Output);
            var proto = new TensorProto { Name = step.Output, DataType = (int)TensorProto.Types.DataType.Float };
            proto.Dims.AddRange(result.Shape.Dimensions.ToArray().Select(d => (long)d));
            OnnxTensorData.SetFloats(proto, result.Span);
            AddConstant(step.Output, proto);
        }
    }

    private IEnumerable<OnnxStep> FloatSteps(OnnxNodeReader node)
    {
        switch (node.OpType)
        {
            case "Add" or "Sub" or "Mul" or "Div" or "Sum" or "Mean" or "Max" or "Min":
            case "Pow" when !IsConstant(node.Input(1)): // x^c, c constant: PowStep below
                var op = node.OpType == "Add" ? Elementwise.Sum : Enum.Parse<Elementwise>(node.OpType);
                return [new ElementwiseStep(node.Name, node.OpType, op, node.Inputs.Select(Operand).ToArray(), node.Output)];
            case "Pow":
                return [PowStep.Create(node, this)];
            case "PRelu" when !PerChannelSlope(node.Input(0), node.Input(1)):
                return [new ElementwiseStep(node.Name, node.OpType, Elementwise.PRelu, [Operand(node.Input(0)), Operand(node.Input(1))], node.Output)];
            case "Concat":
                return [new ConcatStep(node.Name, node.Inputs.Select(Operand).ToArray(), node.Output, node.Int("axis", 1))];
            case "Transpose" when SwapAxesStep.SwappedAxis(node.Ints("perm")) is int axis:
                return [new SwapAxesStep(node.Name, node.Input(0), node.Output, axis)];
            case "Transpose":
                return [OnnxCopies.Transpose(node.Name, node.Input(0), node.Output, node.Ints("perm"))];
            case "Expand":
                return [OnnxCopies.Expand(node, DataAndComputed(node))];
            case "Tile":
                return [OnnxCopies.Tile(node, DataAndComputed(node))];
            case "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze" or "Identity":
                return [new ViewStep(node.Name, DataAndComputed(node), node.Output, OnnxViews.For(node, this))];
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceL2":
                return [ReduceStep.Create(node, this)];
            case "Slice":
                return [OnnxSlices.Slice(node, this)];
            case "Gather":
                return [new GatherStep(node.Name, node.Input(0), node.Output, node.Int("axis", 0),
                    new IntTensor(Integers(node, node.Input(1), "indices"), Dims(node, node.Input(1), "indices")))];
            case "MatMul" when IsConstant(node.Input(1)) && Dims(node, node.Input(1), "B").Length == 2 && !IsConstant(node.Input(0)):
                return [new RowsLayerStep(node.Name, node.Input(0), node.Output, Imported(node).Layer!)]; // a dense layer, trained
            case "MatMul":
                return [new MatMulStep(node.Name, Operand(node.Input(0)), Operand(node.Input(1)), node.Output)];
            case "Gemm":
                return GemmSteps(node);
            default:
                return [Imported(node)];
        }
    }

    /// <summary>The step of the core's layer for the node's op, from <see cref="LayerRegistry"/>.</summary>
    private OnnxStep Imported(OnnxNodeReader node)
    {
        var kind = LayerRegistry.OfOnnxOp(node.OpType)
            ?? throw new NotSupportedException($"ONNX node '{node.Name}': op type '{node.OpType}' is not supported by the importer.");
        // A layer's constructor checks the values it is given (channels divisible by groups, positive kernel sizes):
        // here they come from the file, so a refusal is the file's fault.
        try { return kind.Import(node, this); }
        catch (ArgumentException e) { throw new InvalidDataException($"ONNX node '{node.Name}' (op {node.OpType}) is invalid: {e.Message}", e); }
    }

    /// <summary>
    /// Gemm, y = alpha·A′·B′ + beta·C: a dense layer of the constant B (and C as its bias when C has one value per column,
    /// [N] or [1, N]); A′ = Aᵀ (transA) is a transpose before it, and any other C (one number, [M, N], [M, 1]) a constant
    /// added after it, not trained.
    /// </summary>
    private IEnumerable<OnnxStep> GemmSteps(OnnxNodeReader node)
    {
        string a = node.Input(0), c = node.Input(2);
        bool constantC = c != "" && !LinearKinds.HasColumnBias(node, this);
        float beta = node.Float("beta", 1f);
        if (node.Int("transA", 0) != 0)
            yield return OnnxCopies.Transpose(node.Name, node.Input(0), a = $"{node.Output}:Aᵀ", [1, 0]);
        yield return new LayerStep(node.Name, a, constantC ? $"{node.Output}:A·B" : node.Output, Imported(node).Layer!);
        if (constantC)
            yield return new ElementwiseStep(node.Name, node.OpType, Elementwise.Sum,
                [OnnxOperand.Of($"{node.Output}:A·B"), OnnxOperand.Of(Floats(node, c, "C").Select(v => beta * v).ToArray(), Dims(node, c, "C"))], node.Output);
    }

    /// <summary>
    /// Whether a PRelu slope is one the per-channel layer holds and trains: one number, [C, 1, …, 1] (the channel axis of
    /// [N, C, …], unless the graph declares another rank for the input), or [C] when the graph declares the input [N, C]
    /// (aligned with the last axis, [C] is per channel only there).
    /// </summary>
    private bool PerChannelSlope(string x, string slope)
    {
        if (!IsConstant(slope)) return false;
        var dims = OnnxTensorData.Dims(_constants[slope]);
        if (dims.Aggregate(1, (a, d) => a * d) == 1) return true;
        int? rank = DeclaredRank(x);
        return dims[1..].All(d => d == 1) && (dims.Length == 1 ? rank == 2 : rank is null || rank == dims.Length + 1);
    }

    /// <summary>The rank the graph declares for a value (a graph input or output, or a value_info entry), if it does.</summary>
    private int? DeclaredRank(string value) =>
        _graph.Input.Concat(_graph.ValueInfo).Concat(_graph.Output).FirstOrDefault(v => v.Name == value)?.Type?.TensorType?.Shape?.Dim.Count;

    private OnnxOperand Operand(string value) =>
        IsConstant(value) ? OnnxOperand.Of(OnnxTensorData.Floats(_constants[value]), OnnxTensorData.Dims(_constants[value])) : OnnxOperand.Of(value);

    /// <summary>The data input (input 0, computed or, when the node is folded, constant) and the other inputs computed at run time.</summary>
    private string[] DataAndComputed(OnnxNodeReader node) => [node.Input(0), .. Computed(node.Inputs.Skip(1))];

    private void Add(OnnxStep step)
    {
        if (step.Inputs.FirstOrDefault(i => IsConstant(i) && !IsInteger(i)) is { } constant)
            throw new NotSupportedException($"ONNX node '{step.Node}' reads the constant float '{constant}' where only a computed value is supported.");
        foreach (var input in step.Inputs.Where(i => !_constants.ContainsKey(i) && !_computed.Contains(i)))
            throw new InvalidOperationException($"ONNX node '{step.Node}' reads '{input}', which no earlier node computes; the graph is not in topological order.");
        if (_computed.Contains(step.Output) || IsConstant(step.Output))
            throw new InvalidDataException($"ONNX node '{step.Node}' computes '{step.Output}', which is already computed or constant; every ONNX value has one producer.");
        _steps.Add(step);
        _computed.Add(step.Output);
    }

    /// <summary>The inputs a step reads at run time: not omitted, not constants (int64 constants are seeded into every pass).</summary>
    private string[] Computed(IEnumerable<string> inputs) => inputs.Where(i => i != "" && !_constants.ContainsKey(i)).ToArray();

    private void AddConstant(string name, TensorProto tensor)
    {
        _constants[name] = tensor;
        if (!OnnxTensorData.IsInteger(tensor)) return;
        _integerValues.Add(name);
        _integerConstants[name] = new IntTensor(OnnxTensorData.Integers(tensor), OnnxTensorData.Dims(tensor));
    }

    private static TensorProto ConstantValue(OnnxNodeReader node)
    {
        if (node.Tensor("value") is { } tensor) return tensor;
        var proto = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        if (node.Ints("value_ints") is { } ints)
        {
            proto.Dims.Add(ints.Length);
            proto.Int64Data.AddRange(ints);
        }
        else if (node.Has("value_int")) proto.Int64Data.Add(node.Int("value_int", 0));
        else if (node.Has("value_float"))
        {
            proto.DataType = (int)TensorProto.Types.DataType.Float;
            proto.FloatData.Add(node.Float("value_float", 0));
        }
        else throw node.Unsupported("value", "only 'value', 'value_int', 'value_ints' and 'value_float' constants are supported");
        return proto;
    }

    /// <summary>The float value named <paramref name="nameOrNode"/>, or the output of the node so named.</summary>
    private string Resolve(string nameOrNode)
    {
        string value = _computed.Contains(nameOrNode) ? nameOrNode
            : _graph.Node.FirstOrDefault(n => n.Name == nameOrNode)?.Output[0]
            ?? throw new ArgumentException($"The ONNX graph has no value or node named '{nameOrNode}' to cut at.", nameof(nameOrNode));
        if (!_steps.Any(s => s.Output == value) || IsInteger(value))
            throw new ArgumentException($"'{nameOrNode}' is not a float tensor computed by the ONNX graph; the network cannot be cut there.", nameof(nameOrNode));
        return value;
    }
}
