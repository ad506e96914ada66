using System.Text.Json.Nodes;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Models;

/// <summary>
/// The architecture half of the model file: a layer is written as { "type", "name", "config", "children" }, its type and
/// config as its layer type's <see cref="LayerKind"/> in <see cref="LayerRegistry"/> writes and reads them; the parameters
/// themselves travel separately, in <see cref="Layer.AllParameters"/> order.
/// </summary>
public static class LayerCatalog
{
    /// <summary>True when layers of this type can be saved and loaded.</summary>
    public static bool Knows(Type layerType) => LayerRegistry.Of(layerType)?.FileType is not null;

    /// <summary>The layer tree as JSON.</summary>
    public static JsonObject Describe(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var kind = LayerRegistry.Of(layer.GetType()) is { FileType: not null } known ? known
            : throw new NotSupportedException($"Layer '{layer.Name}' of type {layer.GetType().Name} cannot be saved: the model file has no entry for it.");
        var node = new JsonObject { ["type"] = kind.FileType, ["name"] = layer.Name, ["config"] = kind.Write(layer) };
        if (layer.Children.Count > 0) node["children"] = new JsonArray(layer.Children.Select(c => (JsonNode)Describe(c)).ToArray());
        return node;
    }

    /// <summary>Builds the layer tree back from <see cref="Describe"/>'s JSON; parameters start at their constructor values.</summary>
    public static Layer Create(JsonNode? node)
    {
        if (node is not JsonObject obj) throw new InvalidDataException("A layer entry of the architecture is not a JSON object.");
        string type = obj["type"]?.GetValue<string>() ?? throw new InvalidDataException("A layer entry has no \"type\".");
        string name = obj["name"]?.GetValue<string>() ?? throw new InvalidDataException($"A layer of type {type} has no \"name\".");
        var kind = LayerRegistry.OfFileType(type)
            ?? throw new InvalidDataException($"Layer '{name}' has type '{type}', which this version of MLNet.Cnn does not know.");
        var children = (obj["children"] as JsonArray)?.Select(Create).ToArray() ?? [];
        try { return kind.Read(name, obj["config"] as JsonObject ?? [], children); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"Layer '{name}' ({type}) has an invalid configuration: {e.Message}", e);
        }
    }
}
