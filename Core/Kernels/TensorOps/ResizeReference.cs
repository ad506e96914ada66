using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Resize"/>: every output value sums, over every combination of one tap per axis, the
/// product of the taps' weights times the input value they point at (no separable passes).
/// </summary>
internal static class ResizeReference
{
    // x [N, C, d1 … dk], y [N, C, e1 … ek]:  y[p, j] = Σ_{t1 … tk} Π_a w_a[j_a, t_a] · x[p, i_1[j1, t1], …, i_k[jk, tk]]
    public static void Forward<T>(TensorShape input, ReadOnlySpan<T> x, Span<T> y, IReadOnlyList<ResizeTaps> axes)
        where T : IFloatingPointIeee754<T>
    {
        var terms = Terms(input, axes);
        y.Clear();
        foreach (var (output, source, weight) in terms) y[output] += T.CreateChecked(weight) * x[source];
        foreach (int output in Outside(input, axes)) y[output] = T.CreateChecked(axes[0].OutsideValue);
    }

    /// <summary>The output offsets where some axis' index lies outside the input (tf_crop_and_resize extrapolates there).</summary>
    private static IEnumerable<int> Outside(TensorShape input, IReadOnlyList<ResizeTaps> axes)
    {
        int k = axes.Count, planes = input[0] * input[1], outPlane = axes.Aggregate(1, (n, a) => n * a.OutSize);
        for (int p = 0; p < planes; p++)
            for (int output = 0; output < outPlane; output++)
            {
                bool outside = false;
                for (int a = k - 1, rest = output; a >= 0; a--, rest /= axes[a + 1].OutSize)
                    outside |= axes[a].Outside?[rest % axes[a].OutSize] == true;
                if (outside) yield return p * outPlane + output;
            }
    }

    // dy [N, C, e1 … ek], dx [N, C, d1 … dk]:  dx[p, i] = Σ over the terms (j, t) of y that read x[p, i] of their weight · dy[p, j]
    public static void Backward<T>(TensorShape input, ReadOnlySpan<T> dy, Span<T> dx, IReadOnlyList<ResizeTaps> axes)
        where T : IFloatingPointIeee754<T>
    {
        var terms = Terms(input, axes);
        dx.Clear();
        foreach (var (output, source, weight) in terms) dx[source] += T.CreateChecked(weight) * dy[output];
    }

    /// <summary>Every (output offset, input offset, product of the weights) of the resize, one per output value and choice of taps.</summary>
    private static List<(int Output, int Source, double Weight)> Terms(TensorShape input, IReadOnlyList<ResizeTaps> axes)
    {
        int k = axes.Count, planes = input[0] * input[1];
        int outPlane = axes.Aggregate(1, (n, a) => n * a.OutSize), inPlane = axes.Aggregate(1, (n, a) => n * a.InSize);
        var terms = new List<(int, int, double)>();
        var j = new int[k];
        var t = new int[k];
        for (int p = 0; p < planes; p++)
            for (int output = 0; output < outPlane; output++)
            {
                for (int a = k - 1, rest = output; a >= 0; a--) (j[a], rest) = (rest % axes[a].OutSize, rest / axes[a].OutSize);
                int combinations = axes.Aggregate(1, (n, a) => n * a.Count);
                for (int c = 0; c < combinations; c++)
                {
                    for (int a = k - 1, rest = c; a >= 0; a--) (t[a], rest) = (rest % axes[a].Count, rest / axes[a].Count);
                    int source = 0;
                    double weight = 1;
                    for (int a = 0; a < k; a++)
                    {
                        int tap = j[a] * axes[a].Count + t[a];
                        source = source * axes[a].InSize + axes[a].Index[tap];
                        weight *= axes[a].Weight[tap];
                    }
                    terms.Add((p * outPlane + output, p * inPlane + source, weight));
                }
            }
        return terms;
    }
}
