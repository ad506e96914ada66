using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

internal sealed partial class OnnxGraphBuilder
{
    /// <summary>
    /// An imported network inside a larger one (a pretrained backbone under a new head): its graph, with the current
    /// weights, is copied in with every value renamed to a fresh name (its input becomes <paramref name="x"/>); the value it
    /// was cut at is the output. Its opset must be the one being written, so every node keeps its meaning.
    /// </summary>
    public string Embed(OnnxNetwork imported, string x)
    {
        var model = ModelProto.Parser.ParseFrom(imported.ToOnnxBytes());
        long version = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (version != opset)
            throw new NotSupportedException($"The imported network '{imported.Name}' uses ONNX opset {version}; it can only be written into a model of the same opset, not {opset}.");
        var names = new Dictionary<string, string> { [imported.InputName] = x, [""] = "" };
        string Renamed(string name) => names.TryGetValue(name, out var renamed) ? renamed : names[name] = Unique($"{imported.Name}.{name}");
        foreach (var initializer in model.Graph.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = Renamed(initializer.Name);
            Graph.Initializer.Add(copy);
        }
        foreach (var node in model.Graph.Node)
        {
            var copy = node.Clone();
            copy.Name = Unique($"{imported.Name}.{node.Name}");
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Renamed));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Renamed));
            Graph.Node.Add(copy);
        }
        return Renamed(imported.OutputName);
    }
}
