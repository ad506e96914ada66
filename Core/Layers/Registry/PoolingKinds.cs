using System.Text.Json.Nodes;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;
using MLNet.Cnn.Tensors;
using static MLNet.Cnn.Layers.LayerConfig;
using static MLNet.Cnn.Onnx.OnnxGraphBuilder;

namespace MLNet.Cnn.Layers;

/// <summary>Max and average pooling over windows (ONNX MaxPool, AveragePool) and over the whole plane (GlobalMaxPool, GlobalAveragePool).</summary>
internal static class PoolingKinds
{
    public static readonly LayerKind[] All =
    [
        LayerKind.Of<MaxPool2dLayer>("MaxPool2d", l => Write(l), (name, c, _) => new MaxPool2dLayer(name, Pair(c, "kernel"), Pair(c, "stride"),
                Padding(c["padding"]), Int(c, "dilation"), Bool(c, "ceilMode")),
            (onnx, max, x, shape, output) => Export(onnx, "MaxPool", max, x, shape, output,
                max.Dilation == 1 ? [] : [Ints("dilations", max.Dilation, max.Dilation)]),
            ["MaxPool"], importStep: (node, _) =>
            {
                // storage_order orders the optional Indices output (MaxPoolIndicesStep), which the import adds after this step.
                if (node.Int("storage_order", 0) is not (0 or 1)) throw node.Unsupported("storage_order", $"{node.Int("storage_order", 0)}; ONNX defines 0 and 1");
                var window = OnnxWindow.Read(node).Pooling(node);
                return window.Step(node, new MaxPool2dLayer(node.Name, window.Kernel, window.Stride, window.Padding, window.Dilation(node),
                    node.Int("ceil_mode", 0) != 0));
            }),
        LayerKind.Of<AvgPool2dLayer>("AvgPool2d", l => Write(l, ("countIncludePad", l.CountIncludePad)), (name, c, _) => new AvgPool2dLayer(name,
                Pair(c, "kernel"), Pair(c, "stride"), Padding(c["padding"]), Bool(c, "ceilMode"), Bool(c, "countIncludePad")),
            (onnx, avg, x, shape, output) => Export(onnx, "AveragePool", avg, x, shape, output, [Int("count_include_pad", avg.CountIncludePad ? 1 : 0)]),
            ["AveragePool"], importStep: (node, _) =>
            {
                var window = OnnxWindow.Read(node).Pooling(node);
                if (window.DilationH != 1 || window.DilationW != 1) throw node.Unsupported("dilations", "average pooling has no dilation here");
                return window.Step(node, new AvgPool2dLayer(node.Name, window.Kernel, window.Stride, window.Padding,
                    node.Int("ceil_mode", 0) != 0, countIncludePad: node.Int("count_include_pad", 0) != 0));
            }),
        LayerKind.Of<GlobalAvgPoolLayer>("GlobalAvgPool", _ => [], (name, _, _) => new GlobalAvgPoolLayer(name),
            (onnx, g, x, _, _) => onnx.Node("GlobalAveragePool", g.Name, [x]), ["GlobalAveragePool"], (node, _) => new GlobalAvgPoolLayer(node.Name)),
        LayerKind.Of<GlobalMaxPoolLayer>("GlobalMaxPool", _ => [], (name, _, _) => new GlobalMaxPoolLayer(name),
            (onnx, g, x, _, _) => onnx.Node("GlobalMaxPool", g.Name, [x]), ["GlobalMaxPool"], (node, _) => new GlobalMaxPoolLayer(node.Name)),
    ];

    private static JsonObject Write(Pool2dLayer l, params (string Key, bool Value)[] extra)
    {
        var config = new JsonObject
        {
            ["kernel"] = PairOrSide(l.KernelHeight, l.KernelWidth), ["stride"] = PairOrSide(l.StrideH, l.StrideW),
            ["padding"] = Padding(l.Padding), ["dilation"] = l.Dilation, ["ceilMode"] = l.CeilMode,
        };
        foreach (var (key, value) in extra) config[key] = value;
        return config;
    }

    private static string Export(OnnxGraphBuilder onnx, string op, Pool2dLayer pool, string x, TensorShape shape, TensorShape output, AttributeProto[] extra)
    {
        var p = pool.Padding.Resolve(shape[2], shape[3], pool.KernelHeight, pool.KernelWidth, pool.StrideH, pool.StrideW, pool.Dilation);
        // Ceil mode only where it adds a window. Where the window it adds would start in the right padding, PyTorch's rule
        // (the core's, and ONNX Runtime's kernels') drops it, leaving floor mode's windows, but ONNX's shape inference keeps
        // it. (Should one axis keep its extra window and the other drop it, ceil mode stays, as ONNX Runtime computes it.)
        var floorMode = Pool2dGeometry.ForInput(shape, pool.KernelHeight, pool.KernelWidth, pool.StrideH, pool.StrideW, p,
            pool.Dilation, pool.Dilation).OutputShape;
        AttributeProto[] attributes =
        [
            Ints("kernel_shape", pool.KernelHeight, pool.KernelWidth), Ints("strides", pool.StrideH, pool.StrideW),
            Ints("pads", p.Top, p.Left, p.Bottom, p.Right), Int("ceil_mode", output != floorMode ? 1 : 0), .. extra,
        ];
        return onnx.Node(op, pool.Name, [x], attributes);
    }
}
