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
        Of<BatchNorm2dLayer>("BatchNorm2d", l => new JsonObject { ["channels"] = l.Channels, ["momentum"] = l.Momentum, ["epsilon"] = l.Epsilon },
            (name, c, _) => new BatchNorm2dLayer(name, Int(c, "channels"), Float(c, "momentum"), Float(c, "epsilon"))),
    ];

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

    private static JsonArray Array(params int[] values) => new(values.Select(v => (JsonNode)v).ToArray());
    private static int Int(JsonObject c, string key) => c[key]!.GetValue<int>();
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
