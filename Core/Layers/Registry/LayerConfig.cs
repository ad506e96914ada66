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
        if (padding.IsSame) return "same";
        var p = padding.Resolve(1, 1, 1, 1, 1, 1, 1);
        return Array(p.Top, p.Left, p.Bottom, p.Right);
    }

    public static ConvPadding Padding(JsonNode? node) => node is JsonValue v && v.GetValue<string>() == "same"
        ? ConvPadding.Same
        : node is JsonArray a && a.Count == 4
            ? ConvPadding.Explicit(new Padding2d(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>(), a[3]!.GetValue<int>()))
            : throw new InvalidDataException("padding must be \"same\" or [top, left, bottom, right].");
}
