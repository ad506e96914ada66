using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Onnx;

/// <summary>Edits of a finished ONNX graph: dropping what its outputs do not need, renaming a value, skipping Identity nodes of constants; counting readers.</summary>
internal static class OnnxGraphEdits
{
    /// <summary>
    /// Removes the nodes and initializers the graph's outputs do not depend on (walking back from the outputs; the nodes
    /// are in topological order), e.g. the layers after the cut of a feature graph and their weights.
    /// </summary>
    public static void Prune(GraphProto graph)
    {
        var needed = graph.Output.Select(o => o.Name).ToHashSet();
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            needed.UnionWith(node.Input);
        }
        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var initializers = graph.Initializer.Where(i => needed.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
    }

    /// <summary>
    /// Renames the value <paramref name="from"/> (a graph input or output, a node's input or output) to <paramref name="to"/>,
    /// e.g. to the ML.NET column an OnnxTransformer reads or writes; refuses a name that already names another value.
    /// </summary>
    public static void Rename(GraphProto graph, string from, string to)
    {
        if (from == to) return;
        var taken = graph.Node.SelectMany(n => n.Input.Concat(n.Output)).Concat(graph.Initializer.Select(i => i.Name))
            .Concat(graph.Input.Select(i => i.Name)).Concat(graph.Output.Select(o => o.Name));
        if (taken.Contains(to))
            throw new ArgumentException($"The name '{to}' is also the name of a value inside the network's ONNX graph; choose another name.");
        foreach (var value in graph.Input.Concat(graph.Output).Where(v => v.Name == from)) value.Name = to;
        Redirect(graph, from, to);
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
    }

    /// <summary>Makes every node that reads <paramref name="from"/> read <paramref name="to"/> instead (to put steps in front of a value).</summary>
    public static void Redirect(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
    }

    /// <summary>
    /// Makes the readers of an Identity of an initializer read the initializer itself and drops the Identity (PyTorch's
    /// exporter writes such Identities where it deduplicated equal weights), so weights are recognizable as constants.
    /// An Identity whose output is a graph output stays.
    /// </summary>
    public static void SkipConstantIdentities(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var identity in graph.Node.Where(n => n.OpType == "Identity" && initializers.Contains(n.Input[0]) && !outputs.Contains(n.Output[0])).ToList())
        {
            Redirect(graph, identity.Output[0], identity.Input[0]);
            graph.Node.Remove(identity);
        }
    }

    /// <summary>How many node inputs read each value (0 for a value nothing reads).</summary>
    public static Dictionary<string, int> ReaderCounts(GraphProto graph)
    {
        var readers = new Dictionary<string, int>();
        foreach (var name in graph.Node.SelectMany(n => n.Input)) readers[name] = readers.GetValueOrDefault(name) + 1;
        foreach (var name in graph.Node.SelectMany(n => n.Output)) readers.TryAdd(name, 0);
        foreach (var name in graph.Initializer.Select(i => i.Name)) readers.TryAdd(name, 0);
        return readers;
    }
}
