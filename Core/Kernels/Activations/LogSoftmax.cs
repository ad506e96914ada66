using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Log-softmax over one axis (see <see cref="Softmax"/>): log-probabilities without forming the probabilities,
/// finite for logits of any finite size (the max is subtracted and the log-sum-exp of the rest is ≥ 0).
/// </summary>
internal static unsafe class LogSoftmax
{
    // x, y [… C …] (C = the size of axis; y the shape of x, may be x):
    //   y_c = x_c − m − log Σ_k e^(x_k − m),  m = max_k x_k
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
                    exponentiate: false);
                TensorPrimitives.Subtract(ys, MathF.Log(sum), ys);
            },
            block: (offset, count) =>
            {
                float* yb = (float*)py + offset;
                Span<float> sum = stackalloc float[SoftmaxAxis.Block];
                sum = sum[..count];
                geometry.ShiftByMax((float*)px + offset, yb, count, sum, exponentiate: false);
                TensorPrimitives.Log(sum, sum);
                for (int c = 0; c < classes; c++)
                {
                    var yc = new Span<float>(yb + (long)c * inner, count);
                    TensorPrimitives.Subtract(yc, sum, yc);
                }
            });
    }

    // y [… C …] (the forward output), dy, dx [shape of y] (dx may be dy or y):
    //   dx_c = dy_c − e^(y_c) · Σ_k dy_k
    public static void Backward(Tensor y, Tensor dy, Tensor dx, int axis = 1)
    {
        var geometry = SoftmaxAxis.Of(y, axis);
        Require.SameShape(dy, y, nameof(dy), nameof(y));
        Require.SameShape(dx, y, nameof(dx), nameof(y));
        nint py = (nint)y.Pointer, pdy = (nint)dy.Pointer, pdx = (nint)dx.Pointer;
        int classes = geometry.Classes, inner = geometry.Inner;
        geometry.For(
            row: r =>
            {
                long at = (long)r * classes;
                var ys = new ReadOnlySpan<float>((float*)py + at, classes);
                var dys = new ReadOnlySpan<float>((float*)pdy + at, classes);
                var dxs = new Span<float>((float*)pdx + at, classes);
                float total = TensorPrimitives.Sum(dys);
                Span<float> exp = stackalloc float[SoftmaxAxis.Block];
                for (int i = 0; i < classes; i += SoftmaxAxis.Block)
                {
                    int n = Math.Min(SoftmaxAxis.Block, classes - i);
                    TensorPrimitives.Exp(ys.Slice(i, n), exp[..n]);
                    TensorPrimitives.MultiplyAdd(exp[..n], -total, dys.Slice(i, n), dxs.Slice(i, n));
                }
            },
            block: (offset, count) =>
            {
                float* yb = (float*)py + offset, dyb = (float*)pdy + offset, dxb = (float*)pdx + offset;
                Span<float> total = stackalloc float[SoftmaxAxis.Block], exp = stackalloc float[SoftmaxAxis.Block];
                total = total[..count];
                exp = exp[..count];
                total.Clear();
                for (int c = 0; c < classes; c++)
                    TensorPrimitives.Add(total, new ReadOnlySpan<float>(dyb + (long)c * inner, count), total);
                for (int c = 0; c < classes; c++)
                {
                    TensorPrimitives.Exp(new ReadOnlySpan<float>(yb + (long)c * inner, count), exp);
                    TensorPrimitives.Multiply(exp, total, exp);
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(dyb + (long)c * inner, count), exp,
                        new Span<float>(dxb + (long)c * inner, count));
                }
            });
    }
}
