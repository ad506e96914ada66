using System.Text.Json.Nodes;
using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Layers;

/// <summary>Reading and writing the settings of a layer's model-file entry (a JSON object) for the <see cref="LayerKind"/>s.</summary>
internal static class LayerConfig
{
    public static string Text(JsonObject c, string key) => c[key]!.GetValue<string>();

    public static JsonArray Array(params int[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    public static int Int(JsonObject c, string key) => c[key]!.GetValue<int>();

    /// <summary>One number for a square kernel or equal strides (as files before rectangular pooling hold), else [h, w].</summary>
    public static JsonNode PairOrSide(int height, int width) => height == width ? JsonValue.Create(height) : Array(height, width);

    public static (int, int) Pair(JsonObject c, string key) =>
        c[key] is JsonArray pair ? (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>()) : (Int(c, key), Int(c, key));

    public static float Float(JsonObject c, string key) => c[key]!.GetValue<float>();

    public static bool Bool(JsonObject c, string key) => c[key]!.GetValue<bool>();

    public static int[] Ints(JsonObject c, string key) => c[key]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public static JsonNode Padding(ConvPadding padding)
    {
        if (padding.IsSame) return padding.ToString();
        var p = padding.Resolve(1, 1, 1, 1, 1, 1, 1);
        return Array(p.Top, p.Left, p.Bottom, p.Right);
    }

    /// <summary>One number for the same padding on every side (as files before asymmetric transposed convolutions hold), else <see cref="Padding(ConvPadding)"/>.</summary>
    public static JsonNode SideOrPadding(ConvPadding padding)
    {
        var p = padding.Resolve(1, 1, 1, 1, 1, 1, 1);
        return !padding.IsSame && p == Padding2d.Symmetric(p.Top) ? JsonValue.Create(p.Top) : Padding(padding);
    }

    public static ConvPadding SideOrPadding(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<int>(out int side) ? ConvPadding.Symmetric(side) : Padding(node);

    public static ConvPadding Padding(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) && text == "same" => ConvPadding.Same,
        JsonValue v when v.TryGetValue<string>(out var text) && text == "same_lower" => ConvPadding.SameLower,
        JsonArray a when a.Count == 4 =>
            ConvPadding.Explicit(new Padding2d(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>(), a[3]!.GetValue<int>())),
        _ => throw new InvalidDataException("padding must be \"same\", \"same_lower\" or [top, left, bottom, right]."),
    };
}
