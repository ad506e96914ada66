using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Onnx;

/// <summary>
/// ONNX MaxPool's optional second output, Indices (int64, the shape of the pooled output): for every window, where its
/// maximum is in the input X [N, C, H, W] flattened, padding not counted. With storage_order 0 that is
/// ((n·C + c)·H + h)·W + w (row-major), with storage_order 1 (n·C + c)·H·W + w·H + h (column-major inside the plane).
/// A 1-D pool ([N, C, L], run on [N, C, 1, L]) gives (n·C + c)·L + l either way. The winners are those of the node's
/// <see cref="MaxPool2dLayer"/> (the first maximum in row-major order); indices are data, not differentiable, so
/// nothing flows back, and shape inference gives their shape only.
/// </summary>
internal sealed class MaxPoolIndicesStep(string node, string input, string output, MaxPool2dLayer pool, bool columnMajor, bool oneDimensional)
    : OnnxStep(node, [input], output)
{
    /// <summary>The Indices step of a MaxPool node that has that output (<paramref name="pooled"/> computes its first), else null.</summary>
    public static MaxPoolIndicesStep? For(OnnxNodeReader node, OnnxStep pooled) =>
        node.OpType == "MaxPool" && node.Outputs.Count > 1 && node.Outputs[1] != "" && pooled.Layer is MaxPool2dLayer pool
            ? new MaxPoolIndicesStep(node.Name, node.Input(0), node.Outputs[1], pool, node.Int("storage_order", 0) == 1,
                pooled is LineLayerStep)
            : null;

    public override void Forward(OnnxValues values, bool training)
    {
        var x = values.Tensor(Inputs[0]);
        var planes = x.Reshape(Plane(x.Shape));
        int height = planes.Shape[2], width = planes.Shape[3], inPlane = height * width;
        var winners = pool.Winners(planes);
        int outPlane = winners.Length / (planes.Shape[0] * planes.Shape[1]);
        var indices = new long[winners.Length];
        for (int o = 0; o < winners.Length; o++)
        {
            int cell = winners[o];
            if (cell < 0) throw new NotSupportedException($"ONNX node '{Node}': a window of MaxPool reads padding only; it has no index.");
            long plane = (long)(o / outPlane) * inPlane;
            indices[o] = plane + (columnMajor ? cell % width * height + cell / width : cell);
        }
        values.Set(Output, new IntTensor(indices, OutputShape(x.Shape).Dimensions.ToArray()));
    }

    public override void InferShape(OnnxValues values) => values.SetShape(Output, OutputShape(values.ShapeOf(Inputs[0])));

    public override void Backward(OnnxGradients gradients) { }

    /// <summary>The pooled output's shape: [N, C, Hout, Wout], or [N, C, Lout] for a 1-D pool.</summary>
    private TensorShape OutputShape(TensorShape input)
    {
        var y = pool.OutputShape(new TensorShape(Plane(input)));
        return oneDimensional ? new TensorShape(y[0], y[1], y[3]) : y;
    }

    // [N, C, L] → [N, C, 1, L] for a 1-D pool; [N, C, H, W] as is (the pool checks the rank).
    private int[] Plane(TensorShape x) => !oneDimensional ? x.Dimensions.ToArray() : x.Rank == 3 ? [x[0], x[1], 1, x[2]]
        : throw new NotSupportedException($"ONNX node '{Node}': its 1-D window takes an input [N, C, L]; the input is {x}.");
}
