using System.Text.Json.Nodes;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>
/// The point-wise activations (each its own ONNX op, or two where an opset lacks it), PReLU and softmax. The model file
/// names an activation kernel by its class, with the settings of those that have any.
/// </summary>
internal static class ActivationKinds
{
    /// <summary>The functions without settings whose ONNX op has their class's name, which is also their model-file name.</summary>
    private static readonly Dictionary<string, Func<Activation>> SameNameAsOnnx = new Func<Activation>[]
    {
        () => new Softplus(), () => new Softsign(), () => new Exp(), () => new Log(), () => new Sqrt(), () => new Neg(),
        () => new Abs(), () => new Reciprocal(), () => new Erf(), () => new Atanh(),
    }.ToDictionary(create => create().GetType().Name);

    public static readonly LayerKind[] All =
    [
        LayerKind.Of<ActivationLayer>("Activation", l => Write(l.Activation), (name, c, _) => new ActivationLayer(name, Read(c)),
            (onnx, act, x, _, _) => Export(onnx, act, x),
            ["Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "ThresholdedRelu",
             .. SameNameAsOnnx.Keys], Import),
        LayerKind.Of<PReLULayer>("PReLU", l => new JsonObject { ["channels"] = l.Channels, ["initialSlope"] = l.InitialSlope },
            (name, c, _) => new PReLULayer(name, Int(c, "channels"), Float(c, "initialSlope")),
            ExportPRelu, ["PRelu"], ImportPRelu),
        LayerKind.Of<SoftmaxLayer>("Softmax", l => new JsonObject { ["axis"] = l.Axis, ["log"] = l.Log },
            (name, c, _) => new SoftmaxLayer(name, Int(c, "axis"), Bool(c, "log")),
            (onnx, sm, x, _, _) => onnx.Node(sm.Log ? "LogSoftmax" : "Softmax", sm.Name, [x], Int("axis", sm.Axis)),
            ["Softmax", "LogSoftmax"], (node, graph) =>
                new SoftmaxLayer(node.Name, (int)node.Int("axis", graph.Opset >= 13 ? -1 : 1), node.OpType == "LogSoftmax")),
    ];

    private static JsonObject Write(Activation activation) => activation switch
    {
        LeakyReLU leaky => new JsonObject { ["function"] = "LeakyReLU", ["slope"] = leaky.Slope },
        HardSigmoid hard => new JsonObject { ["function"] = "HardSigmoid", ["alpha"] = hard.Alpha, ["beta"] = hard.Beta },
        Clip clip and not ReLU6 => new JsonObject { ["function"] = "Clip", ["min"] = clip.Min, ["max"] = clip.Max },
        Selu selu => new JsonObject { ["function"] = "Selu", ["alpha"] = selu.Alpha, ["gamma"] = selu.Gamma },
        ExponentialLinear elu => new JsonObject { ["function"] = elu.GetType().Name, ["alpha"] = elu.Alpha }, // Elu, Celu
        ThresholdedReLU thresholded => new JsonObject { ["function"] = "ThresholdedReLU", ["alpha"] = thresholded.Alpha },
        _ => new JsonObject { ["function"] = activation.GetType().Name },
    };

    private static Activation Read(JsonObject c) => Text(c, "function") switch
    {
        "ReLU" => new ReLU(),
        "ReLU6" => new ReLU6(),
        "Clip" => new Clip(Float(c, "min"), Float(c, "max")),
        "LeakyReLU" => new LeakyReLU(Float(c, "slope")),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "HardSigmoid" => new HardSigmoid(Float(c, "alpha"), Float(c, "beta")),
        "HardSwish" => new HardSwish(),
        "SiLU" => new SiLU(),
        "Elu" => new Elu(Float(c, "alpha")),
        "Selu" => new Selu(Float(c, "alpha"), Float(c, "gamma")),
        "Celu" => new Celu(Float(c, "alpha")),
        "ThresholdedReLU" => new ThresholdedReLU(Float(c, "alpha")),
        var other when SameNameAsOnnx.TryGetValue(other, out var create) => create(),
        var other => throw new InvalidDataException($"Unknown activation function '{other}'."),
    };

    private static string Export(OnnxGraphBuilder onnx, ActivationLayer layer, string x)
    {
        string name = layer.Name;
        return layer.Activation switch
        {
            ReLU => onnx.Node("Relu", name, [x]),
            Clip clip => onnx.Node("Clip", name, [x, onnx.Scalar($"{name}.min", clip.Min), onnx.Scalar($"{name}.max", clip.Max)]),
            LeakyReLU leaky => onnx.Node("LeakyRelu", name, [x], Float("alpha", leaky.Slope)),
            Sigmoid => onnx.Node("Sigmoid", name, [x]),
            Tanh => onnx.Node("Tanh", name, [x]),
            HardSigmoid hard => onnx.Node("HardSigmoid", name, [x], Float("alpha", hard.Alpha), Float("beta", hard.Beta)),
            HardSwish when onnx.Opset >= 14 => onnx.Node("HardSwish", name, [x]),
            HardSwish => onnx.Node("Mul", name, [x, onnx.Node("HardSigmoid", $"{name}.gate", [x], Float("alpha", 1f / 6f), Float("beta", 0.5f))]),
            SiLU => onnx.Node("Mul", name, [x, onnx.Node("Sigmoid", $"{name}.gate", [x])]),
            Elu elu => onnx.Node("Elu", name, [x], Float("alpha", elu.Alpha)),
            Selu selu => onnx.Node("Selu", name, [x], Float("alpha", selu.Alpha), Float("gamma", selu.Gamma)),
            Celu celu => onnx.Node("Celu", name, [x], Float("alpha", celu.Alpha)),
            ThresholdedReLU thresholded => onnx.Node("ThresholdedRelu", name, [x], Float("alpha", thresholded.Alpha)),
            var same when SameNameAsOnnx.ContainsKey(same.GetType().Name) => onnx.Node(same.GetType().Name, name, [x]),
            var other => throw new NotSupportedException(
                $"Layer '{name}' of type {nameof(ActivationLayer)} uses activation {other.GetType().Name}, which has no ONNX mapping."),
        };
    }

    private static ActivationLayer Import(OnnxNodeReader node, OnnxGraphImport graph) => new(node.Name, node.OpType switch
    {
        "Relu" => new ReLU(),
        "Clip" => Clip(node, graph),
        "LeakyRelu" => new LeakyReLU(node.Float("alpha", 0.01f)),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "HardSigmoid" => new HardSigmoid(node.Float("alpha", 0.2f), node.Float("beta", 0.5f)),
        "HardSwish" => new HardSwish(),
        "Elu" => new Elu(node.Float("alpha", 1f)),
        "Selu" => new Selu(node.Float("alpha", Selu.DefaultAlpha), node.Float("gamma", Selu.DefaultGamma)),
        "Celu" => new Celu(node.Float("alpha", 1f)),
        "ThresholdedRelu" => new ThresholdedReLU(node.Float("alpha", 1f)),
        var other when SameNameAsOnnx.TryGetValue(other, out var create) => create(),
        var other => throw new NotSupportedException($"ONNX node '{node.Name}': op type '{other}' is not an activation."),
    });

    private static Activation Clip(OnnxNodeReader node, OnnxGraphImport graph)
    {
        // Opset 11 moved min and max from attributes to optional inputs.
        float min = graph.Opset >= 11 ? Bound(node, graph, 1, float.NegativeInfinity) : node.Float("min", float.NegativeInfinity);
        float max = graph.Opset >= 11 ? Bound(node, graph, 2, float.PositiveInfinity) : node.Float("max", float.PositiveInfinity);
        return (min, max) switch
        {
            (0f, 6f) => new ReLU6(),
            (0f, float.PositiveInfinity) => new ReLU(),
            _ => new Clip(min, max),
        };
    }

    private static float Bound(OnnxNodeReader node, OnnxGraphImport graph, int input, float fallback) =>
        node.Input(input) == "" ? fallback : graph.Floats(node, node.Input(input), input == 1 ? "min" : "max")[0];

    private static string ExportPRelu(OnnxGraphBuilder onnx, PReLULayer prelu, string x, TensorShape shape, TensorShape _)
    {
        // ONNX broadcasts the slope from the trailing axes: [C] becomes [C, 1, …] to line up with axis 1.
        var dims = new long[Math.Max(1, shape.Rank - 1)];
        System.Array.Fill(dims, 1L);
        dims[0] = prelu.Channels;
        return onnx.Node("PRelu", prelu.Name, [x, onnx.Initializer(prelu.Slope.Name, prelu.Slope.Value.Span, dims)]);
    }

    // slope [C], [C, 1, 1] or [1]
    private static PReLULayer ImportPRelu(OnnxNodeReader node, OnnxGraphImport graph)
    {
        var slope = graph.Floats(node, node.Input(1), "slope");
        var layer = new PReLULayer(node.Name, slope.Length);
        graph.Load(node, layer.Slope, node.Input(1), slope);
        return layer;
    }
}
