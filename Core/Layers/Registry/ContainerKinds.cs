using MLNet.Cnn.Onnx;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>
/// Layers made of layers: their model-file entries hold no settings, only children; in ONNX they are their children's
/// nodes joined by an Add, a Concat or a Mul, which the importer reads back as joins of the graph (no layer of theirs).
/// </summary>
internal static class ContainerKinds
{
    public static readonly LayerKind[] All =
    [
        LayerKind.Of<Sequential>("Sequential", _ => [], (name, _, children) => new Sequential(name, children),
            (onnx, seq, x, shape, _) =>
            {
                foreach (var child in seq.Children) (x, shape) = onnx.Emit(child, x, shape);
                return x;
            }),
        LayerKind.Of<Residual>("Residual", _ => [], (name, _, children) => new Residual(name, children[0], children.Length > 1 ? children[1] : null),
            (onnx, res, x, shape, _) => onnx.Node("Add", res.Name, [onnx.Emit(res.Children[0], x, shape).Name,
                res.Children.Count > 1 ? onnx.Emit(res.Children[1], x, shape).Name : x])),
        LayerKind.Of<Branches>("Branches", _ => [], (name, _, children) => new Branches(name, children),
            (onnx, br, x, shape, _) => onnx.Node("Concat", br.Name, br.Children.Select(b => onnx.Emit(b, x, shape).Name).ToArray(), Int("axis", 1))),
        LayerKind.Of<Gate>("Gate", _ => [], (name, _, children) => new Gate(name, children[0]),
            (onnx, gate, x, shape, _) => onnx.Node("Mul", gate.Name, [x, onnx.Emit(gate.Children[0], x, shape).Name])),
        LayerKind.Of<Identity>("Identity", _ => [], (name, _, _) => new Identity(name), (_, _, x, _, _) => x),
        // An imported graph is not an architecture of the model file: it is kept as the ONNX file it came from.
        LayerKind.Of<OnnxNetwork>(null, null, null, (onnx, imported, x, _, _) => onnx.Embed(imported, x)),
    ];
}
