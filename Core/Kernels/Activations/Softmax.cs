using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Softmax over one axis (the class axis 1 of [N, C] logits, or of [N, C, H, W] for pixel-wise segmentation).
/// The max of each slice is subtracted before e^x, so logits of any finite size give finite probabilities.
/// </summary>
internal static unsafe class Softmax
{
    // x, y [… C …] (C = the size of axis; y the shape of x, may be x):
    //   y_c = e^(x_c − m) / Σ_k e^(x_k − m),  m = max_k x_k
    public static void Forward(Tensor x, Tensor y, int axis = 1)
    {
        var geometry = SoftmaxAxis.Of(x, axis);
        Require.SameShape(y, x, nameof(y), nameof(x));
        nint px = (nint)x.Pointer, py = (nint)y.Pointer;
        int classes = geometry.Classes, inner = geometry.Inner;
        geometry.For(
            row: r =>
            {
                var ys = new Span<float>((float*)py + (long)r * classes, classes);
                float sum = SoftmaxAxis.ShiftByMax(new ReadOnlySpan<float>((float*)px + (long)r * classes, classes), ys,
                    exponentiate: true);
                TensorPrimitives.Multiply(ys, 1f / sum, ys);
            },
            block: (offset, count) =>
            {
                float* yb = (float*)py + offset;
                Span<float> sum = stackalloc float[SoftmaxAxis.Block];
                sum = sum[..count];
                geometry.ShiftByMax((float*)px + offset, yb, count, sum, exponentiate: true);
                TensorPrimitives.Reciprocal(sum, sum);
                for (int c = 0; c < classes; c++)
                {
                    var yc = new Span<float>(yb + (long)c * inner, count);
                    TensorPrimitives.Multiply(yc, sum, yc);
                }
            });
    }

    // y [… C …] (the forward output), dy, dx [shape of y] (dx may be dy, not y):
    //   dx_c = y_c · (dy_c − Σ_k dy_k·y_k)
    public static void Backward(Tensor y, Tensor dy, Tensor dx, int axis = 1)
    {
        var geometry = SoftmaxAxis.Of(y, axis);
        Require.SameShape(dy, y, nameof(dy), nameof(y));
        Require.SameShape(dx, y, nameof(dx), nameof(y));
        Require.Distinct(dx, y, nameof(dx), nameof(y));
        nint py = (nint)y.Pointer, pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        int classes = geometry.Classes, inner = geometry.Inner;
        geometry.For(
            row: r =>
            {
                long at = (long)r * classes;
                var ys = new ReadOnlySpan<float>((float*)py + at, classes);
                var dys = new ReadOnlySpan<float>((float*)pdy + at, classes);
                var dxs = new Span<float>((float*)pdx + at, classes);
                TensorPrimitives.Subtract(dys, TensorPrimitives.Dot(dys, ys), dxs);
                TensorPrimitives.Multiply(dxs, ys, dxs);
            },
            block: (offset, count) =>
            {
                float* yb = (float*)py + offset, dyb = (float*)pdy + offset, dxb = (float*)pdx + offset;
                Span<float> dot = stackalloc float[SoftmaxAxis.Block];
                dot = dot[..count];
                dot.Clear();
                for (int c = 0; c < classes; c++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dyb + (long)c * inner, count),
                        new ReadOnlySpan<float>(yb + (long)c * inner, count), dot, dot);
                for (int c = 0; c < classes; c++)
                {
                    var dxc = new Span<float>(dxb + (long)c * inner, count);
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(dyb + (long)c * inner, count), dot, dxc);
                    TensorPrimitives.Multiply(dxc, new ReadOnlySpan<float>(yb + (long)c * inner, count), dxc);
                }
            });
    }
}
