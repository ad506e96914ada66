using System.Text.Json.Nodes;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// The architecture half of the model file: every layer type with how to write its settings as JSON and how
/// to build it again from them. A layer is written as { "type", "name", "config", "children" }; the
/// parameters themselves travel separately, in <see cref="Layer.AllParameters"/> order.
/// </summary>
public static class LayerCatalog
{
    private sealed record Kind(string Type, Type LayerType, Func<Layer, JsonObject> Describe, Func<string, JsonObject, Layer[], Layer> Create);

    private static Kind Of<T>(string type, Func<T, JsonObject> describe, Func<string, JsonObject, Layer[], Layer> create) where T : Layer =>
        new(type, typeof(T), layer => describe((T)layer), create);

    private static readonly Kind[] Kinds =
    [
        Of<Sequential>("Sequential", _ => [], (name, _, children) => new Sequential(name, children)),
        Of<Residual>("Residual", _ => [], (name, _, children) => new Residual(name, children[0], children.Length > 1 ? children[1] : null)),
        Of<Branches>("Branches", _ => [], (name, _, children) => new Branches(name, children)),
        Of<Gate>("Gate", _ => [], (name, _, children) => new Gate(name, children[0])),
        Of<Identity>("Identity", _ => [], (name, _, _) => new Identity(name)),
        Of<Conv2dLayer>("Conv2d", l => new JsonObject
        {
            ["inChannels"] = l.InChannels, ["outChannels"] = l.OutChannels, ["kernel"] = Array(l.KernelHeight, l.KernelWidth),
            ["stride"] = Array(l.StrideH, l.StrideW), ["padding"] = Padding(l.Padding), ["dilation"] = l.Dilation,
            ["groups"] = l.Groups, ["bias"] = l.HasBias,
        }, (name, c, _) => new Conv2dLayer(name, Int(c, "inChannels"), Int(c, "outChannels"), Ints(c, "kernel")[0], Ints(c, "kernel")[1],
            Ints(c, "stride")[0], Ints(c, "stride")[1], Padding(c["padding"]), Int(c, "dilation"), Int(c, "groups"), Bool(c, "bias"))),
        Of<DenseLayer>("Dense", l => new JsonObject { ["inFeatures"] = l.InFeatures, ["outFeatures"] = l.OutFeatures, ["bias"] = l.HasBias },
            (name, c, _) => new DenseLayer(name, Int(c, "inFeatures"), Int(c, "outFeatures"), Bool(c, "bias"))),
        Of<ConvTranspose2dLayer>("ConvTranspose2d", l => new JsonObject
        {
            ["inChannels"] = l.InChannels, ["outChannels"] = l.OutChannels, ["kernel"] = l.KernelSize, ["stride"] = l.Stride,
            ["padding"] = l.Padding, ["outputPadding"] = l.OutputPadding, ["dilation"] = l.Dilation, ["groups"] = l.Groups, ["bias"] = l.HasBias,
        }, (name, c, _) => new ConvTranspose2dLayer(name, Int(c, "inChannels"), Int(c, "outChannels"), Int(c, "kernel"), Int(c, "stride"),
            Int(c, "padding"), Int(c, "outputPadding"), Int(c, "dilation"), Int(c, "groups"), Bool(c, "bias"))),
        Of<ActivationLayer>("Activation", l => Activation(l.Activation), (name, c, _) => new ActivationLayer(name, Activation(c))),
        Of<PReLULayer>("PReLU", l => new JsonObject { ["channels"] = l.Channels, ["initialSlope"] = l.InitialSlope },
            (name, c, _) => new PReLULayer(name, Int(c, "channels"), Float(c, "initialSlope"))),
        Of<MaxPool2dLayer>("MaxPool2d", l => Pool(l), (name, c, _) => new MaxPool2dLayer(name, Pair(c, "kernel"), Pair(c, "stride"),
            Padding(c["padding"]), Int(c, "dilation"), Bool(c, "ceilMode"))),
        Of<AvgPool2dLayer>("AvgPool2d", l => Pool(l, ("countIncludePad", l.CountIncludePad)), (name, c, _) => new AvgPool2dLayer(name,
            Pair(c, "kernel"), Pair(c, "stride"), Padding(c["padding"]), Bool(c, "ceilMode"), Bool(c, "countIncludePad"))),
        Of<GlobalAvgPoolLayer>("GlobalAvgPool", _ => [], (name, _, _) => new GlobalAvgPoolLayer(name)),
        Of<GlobalMaxPoolLayer>("GlobalMaxPool", _ => [], (name, _, _) => new GlobalMaxPoolLayer(name)),
        Of<FlattenLayer>("Flatten", _ => [], (name, _, _) => new FlattenLayer(name)),
        Of<DropoutLayer>("Dropout", l => new JsonObject { ["p"] = l.P, ["seed"] = l.Seed },
            (name, c, _) => new DropoutLayer(name, Float(c, "p"), Int(c, "seed"))),
        Of<LrnLayer>("Lrn", l => new JsonObject { ["size"] = l.Size, ["alpha"] = l.Alpha, ["beta"] = l.Beta, ["k"] = l.K },
            (name, c, _) => new LrnLayer(name, Int(c, "size"), Float(c, "alpha"), Float(c, "beta"), Float(c, "k"))),
        Of<ChannelShuffleLayer>("ChannelShuffle", l => new JsonObject { ["groups"] = l.Groups },
            (name, c, _) => new ChannelShuffleLayer(name, Int(c, "groups"))),
        Of<PadLayer>("Pad", l => new JsonObject
        {
            ["padding"] = Array(l.Padding.Top, l.Padding.Left, l.Padding.Bottom, l.Padding.Right), ["mode"] = l.Mode.ToString(), ["value"] = l.Value,
        }, (name, c, _) => new PadLayer(name, Padding(c["padding"]).Resolve(1, 1, 1, 1, 1, 1, 1), Enum.Parse<PadMode>(Text(c, "mode")), Float(c, "value"))),
        Of<UpsampleLayer>("Upsample", l => new JsonObject
        {
            ["scale"] = l.Scale, ["outputHeight"] = l.OutputHeight, ["outputWidth"] = l.OutputWidth, ["mode"] = l.Mode.ToString(),
            ["alignCorners"] = l.AlignCorners,
        }, (name, c, _) => c["scale"] is not null
            ? new UpsampleLayer(name, Int(c, "scale"), Enum.Parse<UpsampleMode>(Text(c, "mode")), Bool(c, "alignCorners"))
            : new UpsampleLayer(name, Int(c, "outputHeight"), Int(c, "outputWidth"), Enum.Parse<UpsampleMode>(Text(c, "mode")), Bool(c, "alignCorners"))),
        Of<SoftmaxLayer>("Softmax", l => new JsonObject { ["axis"] = l.Axis, ["log"] = l.Log },
            (name, c, _) => new SoftmaxLayer(name, Int(c, "axis"), Bool(c, "log"))),
        Of<ChannelSlice>("ChannelSlice", l => new JsonObject { ["start"] = l.Start, ["count"] = l.Count },
            (name, c, _) => new ChannelSlice(name, Int(c, "start"), Int(c, "count"))),
        Of<BatchNorm2dLayer>("BatchNorm2d", l => new JsonObject { ["channels"] = l.Channels, ["momentum"] = l.Momentum, ["epsilon"] = l.Epsilon },
            (name, c, _) => new BatchNorm2dLayer(name, Int(c, "channels"), Float(c, "momentum"), Float(c, "epsilon"))),
    ];

    /// <summary>True when layers of this type can be saved and loaded.</summary>
    public static bool Knows(Type layerType) => Kinds.Any(k => k.LayerType == layerType);

    /// <summary>The layer tree as JSON.</summary>
    public static JsonObject Describe(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var kind = Kinds.FirstOrDefault(k => k.LayerType == layer.GetType())
            ?? throw new NotSupportedException($"Layer '{layer.Name}' of type {layer.GetType().Name} cannot be saved: the model file has no entry for it.");
        var node = new JsonObject { ["type"] = kind.Type, ["name"] = layer.Name, ["config"] = kind.Describe(layer) };
        if (layer.Children.Count > 0) node["children"] = new JsonArray(layer.Children.Select(c => (JsonNode)Describe(c)).ToArray());
        return node;
    }

    /// <summary>Builds the layer tree back from <see cref="Describe"/>'s JSON; parameters start at their constructor values.</summary>
    public static Layer Create(JsonNode? node)
    {
        if (node is not JsonObject obj) throw new InvalidDataException("A layer entry of the architecture is not a JSON object.");
        string type = obj["type"]?.GetValue<string>() ?? throw new InvalidDataException("A layer entry has no \"type\".");
        string name = obj["name"]?.GetValue<string>() ?? throw new InvalidDataException($"A layer of type {type} has no \"name\".");
        var kind = Kinds.FirstOrDefault(k => k.Type == type)
            ?? throw new InvalidDataException($"Layer '{name}' has type '{type}', which this version of MLNet.Cnn does not know.");
        var children = (obj["children"] as JsonArray)?.Select(Create).ToArray() ?? [];
        try { return kind.Create(name, obj["config"] as JsonObject ?? [], children); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"Layer '{name}' ({type}) has an invalid configuration: {e.Message}", e);
        }
    }

    private static JsonObject Pool(Pool2dLayer l, params (string Key, bool Value)[] extra)
    {
        var config = new JsonObject
        {
            ["kernel"] = PairOrSide(l.KernelHeight, l.KernelWidth), ["stride"] = PairOrSide(l.StrideH, l.StrideW),
            ["padding"] = Padding(l.Padding), ["dilation"] = l.Dilation, ["ceilMode"] = l.CeilMode,
        };
        foreach (var (key, value) in extra) config[key] = value;
        return config;
    }

    /// <summary>The activation kernels by name, with the settings of those that have any.</summary>
    private static JsonObject Activation(Activation activation) => activation switch
    {
        LeakyReLU leaky => new JsonObject { ["function"] = "LeakyReLU", ["slope"] = leaky.Slope },
        HardSigmoid hard => new JsonObject { ["function"] = "HardSigmoid", ["alpha"] = hard.Alpha, ["beta"] = hard.Beta },
        Clip clip and not ReLU6 => new JsonObject { ["function"] = "Clip", ["min"] = clip.Min, ["max"] = clip.Max },
        _ => new JsonObject { ["function"] = activation.GetType().Name },
    };

    private static Activation Activation(JsonObject c) => Text(c, "function") switch
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
        var other => throw new InvalidDataException($"Unknown activation function '{other}'."),
    };

    private static string Text(JsonObject c, string key) => c[key]!.GetValue<string>();

    private static JsonArray Array(params int[] values) => new(values.Select(v => (JsonNode)v).ToArray());
    private static int Int(JsonObject c, string key) => c[key]!.GetValue<int>();

    /// <summary>One number for a square kernel or equal strides (as files before rectangular pooling hold), else [h, w].</summary>
    private static JsonNode PairOrSide(int height, int width) => height == width ? JsonValue.Create(height) : Array(height, width);

    private static (int, int) Pair(JsonObject c, string key) =>
        c[key] is JsonArray pair ? (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>()) : (Int(c, key), Int(c, key));
    private static float Float(JsonObject c, string key) => c[key]!.GetValue<float>();
    private static bool Bool(JsonObject c, string key) => c[key]!.GetValue<bool>();
    private static int[] Ints(JsonObject c, string key) => c[key]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    private static JsonNode Padding(ConvPadding padding)
    {
        if (padding.IsSame) return "same";
        var p = padding.Resolve(1, 1, 1, 1, 1, 1, 1);
        return Array(p.Top, p.Left, p.Bottom, p.Right);
    }

    private static ConvPadding Padding(JsonNode? node) => node is JsonValue v && v.GetValue<string>() == "same"
        ? ConvPadding.Same
        : node is JsonArray a && a.Count == 4
            ? ConvPadding.Explicit(new Padding2d(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>(), a[3]!.GetValue<int>()))
            : throw new InvalidDataException("padding must be \"same\" or [top, left, bottom, right].");
}
