using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>The elements start, start + step, … (count of them) of one axis; step may be negative.</summary>
internal readonly record struct AxisRange(int Axis, int Start, int Count, int Step);

/// <summary>
/// Slice and Split of a float tensor as <see cref="StridedCopyStep"/>s, with ONNX's rules for the ranges: y[j] = x[i]
/// with iₖ = startₖ + jₖ·stepₖ on each sliced axis k and iₖ = jₖ on the others.
/// </summary>
internal static class OnnxSlices
{
    /// <summary>
    /// Slice: starts, ends, axes (default 0, 1, …) and steps (default 1) are int64 inputs since opset 10 — constants, or
    /// computed from shapes on every pass (x.chunk(2, dim=1) ends at Shape(x)[1] / 2) — and attributes (no steps) before.
    /// On an axis of dimension d, negative starts and ends count from the end, then are clamped to [0, d] (step &gt; 0) or
    /// [0, d − 1] and [−1, d − 1] (step &lt; 0); the count is ⌈(end − start) / step⌉, at least 0.
    /// </summary>
    public static StridedCopyStep Slice(OnnxNodeReader node, OnnxGraphImport graph)
    {
        bool inputs = graph.Opset >= 10;
        Func<OnnxValues?, long[]?> Argument(int input, string name)
        {
            if (!inputs) { var attribute = node.Ints(name); return _ => attribute; }
            string value = node.Input(input);
            if (value == "") return _ => null;
            if (graph.IsConstant(value)) { var constant = graph.Integers(node, value, name); return _ => constant; }
            if (!graph.IsInteger(value)) throw node.Unsupported(name, $"'{value}' is a float tensor; an int64 one is expected");
            return values => values!.Integers(value).Values;
        }
        var arguments = new[] { Argument(1, "starts"), Argument(2, "ends"), Argument(3, "axes"), Argument(4, "steps") };

        (long[] Starts, long[] Ends, long[] Axes, long[] Steps) Read(OnnxValues? values)
        {
            var (starts, ends) = (arguments[0](values) ?? [], arguments[1](values) ?? []);
            var axes = arguments[2](values) ?? Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
            var steps = arguments[3](values) ?? Enumerable.Repeat(1L, starts.Length).ToArray();
            if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
                throw node.Unsupported("starts", $"starts, ends, axes and steps of {starts.Length}, {ends.Length}, {axes.Length} and {steps.Length} values; ONNX needs as many of each");
            if (steps.Contains(0)) throw node.Unsupported("steps", "a step of 0");
            return (starts, ends, axes, steps);
        }

        var computed = inputs ? node.Inputs.Skip(1).Where(i => i != "" && !graph.IsConstant(i)).ToArray() : [];
        if (computed.Length == 0) Read(null); // constants are checked once, here
        return new StridedCopyStep(node.Name, [node.Input(0), .. computed], node.Output, (shape, values) =>
        {
            var (starts, ends, axes, steps) = Read(values);
            OnnxAxes.Resolve(node.Name, axes, shape.Rank); // refuses an axis named twice
            return View(node.Name, shape, axes.Select((a, i) =>
            {
                int axis = OnnxAxes.Resolve(node.Name, a, shape.Rank);
                return Range(axis, starts[i], ends[i], steps[i], shape[axis]);
            }).ToArray());
        });
    }

    /// <summary>
    /// Split along axis (default 0) into one <see cref="StridedCopyStep"/> per output: of the sizes of split (an attribute before
    /// opset 13, a constant input since), or, without it, into equal parts, as many as outputs (num_outputs since opset 18,
    /// where the last part may be smaller: each is ⌈d / n⌉).
    /// </summary>
    public static IEnumerable<StridedCopyStep> Split(OnnxNodeReader node, OnnxGraphImport graph)
    {
        long axis = node.Int("axis", 0);
        var split = graph.Opset < 13 ? node.Ints("split") : node.Input(1) == "" ? null : graph.Integers(node, node.Input(1), "split");
        var outputs = node.Outputs;
        if (graph.Opset >= 18 && split is null && node.Int("num_outputs", outputs.Count) != outputs.Count)
            throw node.Unsupported("num_outputs", $"{node.Int("num_outputs", 0)} with {outputs.Count} outputs");
        if (split is not null && split.Length != outputs.Count)
            throw node.Unsupported("split", $"{split.Length} sizes for {outputs.Count} outputs");
        if (split is not null && split.Contains(0))
            throw node.Unsupported("split", $"[{string.Join(", ", split)}]: a part of size 0 is an empty tensor, which the core's tensors cannot hold");
        bool unevenLast = graph.Opset >= 18;
        string name = node.Name;

        long[] Sizes(int dimension)
        {
            if (split is not null)
                return split.Sum() == dimension && split.All(s => s >= 0) ? split
                    : throw new NotSupportedException($"ONNX node '{name}' (op Split): sizes [{string.Join(", ", split)}] do not add up to the dimension {dimension}.");
            int n = outputs.Count, part = (dimension + n - 1) / n;
            if (dimension % n != 0 && (!unevenLast || (long)part * (n - 1) >= dimension))
                throw new NotSupportedException($"ONNX node '{name}' (op Split): a dimension of {dimension} does not split into {n} parts.");
            return Enumerable.Range(0, n).Select(i => (long)Math.Min(part, dimension - i * part)).ToArray();
        }

        for (int o = 0; o < outputs.Count; o++)
        {
            if (outputs[o] == "") continue;
            int index = o;
            yield return new StridedCopyStep(name, [node.Input(0)], outputs[o], (shape, _) =>
            {
                int at = OnnxAxes.Resolve(name, axis, shape.Rank);
                var sizes = Sizes(shape[at]);
                return View(name, shape, [new AxisRange(at, (int)sizes[..index].Sum(), (int)sizes[index], 1)]);
            });
        }
    }

    /// <summary>The strided view of the ranges: the input's row-major strides times each range's step, from their starts.</summary>
    private static StridedView View(string node, TensorShape input, AxisRange[] ranges)
    {
        var dims = input.Dimensions.ToArray();
        var strides = StridedOffsets.RowMajor(input);
        int start = 0;
        foreach (var r in ranges)
        {
            if (r.Count <= 0) throw new NotSupportedException($"ONNX node '{node}' takes an empty range of axis {r.Axis} of {input}; the core's tensors have no empty axis.");
            start += r.Start * strides[r.Axis];
            strides[r.Axis] *= r.Step;
            dims[r.Axis] = r.Count;
        }
        return new StridedView(dims, dims, strides, start);
    }

    private static AxisRange Range(int axis, long start, long end, long step, int dimension)
    {
        if (start < 0) start += dimension;
        if (end < 0) end += dimension;
        (start, end) = step > 0
            ? (Math.Clamp(start, 0, dimension), Math.Clamp(end, 0, dimension))
            : (Math.Clamp(start, 0, dimension - 1), Math.Clamp(end, -1, dimension - 1));
        long count = Math.Max(0, (end - start + step - Math.Sign(step)) / step);
        return new AxisRange(axis, (int)start, (int)count, (int)step);
    }
}
