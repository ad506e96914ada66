namespace MLNet.Cnn.Onnx;

/// <summary>
/// What ReduceSum, ReduceMean, ReduceMax and ReduceL2 compute over the input elements that share an output element:
/// input element i goes to output element t[i] (<see cref="ReduceStep"/> builds t); each output gathers n = |x| / |y|
/// elements. Sums are accumulated in double.
/// </summary>
internal abstract class Reduction
{
    public static Reduction For(OnnxNodeReader node) => node.OpType switch
    {
        "ReduceSum" => new Sum(),
        "ReduceMean" => new Mean(),
        "ReduceMax" => new Max(),
        "ReduceL2" => new L2(),
        _ => throw new ArgumentException($"'{node.OpType}' is not a supported reduction.", nameof(node)),
    };

    /// <summary>y[t[i]] ← the reduction of x[i] over i.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, int[] t, Span<float> y);

    /// <summary>dx[i] = ∂L/∂y[t[i]] · ∂y[t[i]]/∂x[i], given the forward's x and y.</summary>
    public abstract void Backward(ReadOnlySpan<float> x, int[] t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>Σ over each output's elements of f(x[i]), in double.</summary>
    private static double[] Sums(ReadOnlySpan<float> x, int[] t, int outputs, Func<float, double> f)
    {
        var sums = new double[outputs];
        for (int i = 0; i < x.Length; i++) sums[t[i]] += f(x[i]);
        return sums;
    }

    /// <summary>y = Σ x; ∂y/∂x = 1.</summary>
    private sealed class Sum : Reduction
    {
        public override void Forward(ReadOnlySpan<float> x, int[] t, Span<float> y)
        {
            var sums = Sums(x, t, y.Length, v => v);
            for (int o = 0; o < y.Length; o++) y[o] = (float)sums[o];
        }

        public override void Backward(ReadOnlySpan<float> x, int[] t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < dx.Length; i++) dx[i] = dy[t[i]];
        }
    }

    /// <summary>y = Σ x / n; ∂y/∂x = 1/n.</summary>
    private sealed class Mean : Reduction
    {
        public override void Forward(ReadOnlySpan<float> x, int[] t, Span<float> y)
        {
            var sums = Sums(x, t, y.Length, v => v);
            double n = (double)x.Length / y.Length;
            for (int o = 0; o < y.Length; o++) y[o] = (float)(sums[o] / n);
        }

        public override void Backward(ReadOnlySpan<float> x, int[] t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            float n = (float)x.Length / y.Length;
            for (int i = 0; i < dx.Length; i++) dx[i] = dy[t[i]] / n;
        }
    }

    /// <summary>
    /// y = max x. The gradient is shared evenly by the elements equal to the maximum (k ties get ∂L/∂y / k each), as
    /// PyTorch's amax does (its exporter writes amax as ReduceMax); of the valid subgradients, it is the one symmetric in
    /// the tied inputs.
    /// </summary>
    private sealed class Max : Reduction
    {
        public override void Forward(ReadOnlySpan<float> x, int[] t, Span<float> y)
        {
            y.Fill(float.NegativeInfinity);
            for (int i = 0; i < x.Length; i++) y[t[i]] = Math.Max(y[t[i]], x[i]);
        }

        public override void Backward(ReadOnlySpan<float> x, int[] t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            var ties = new int[y.Length];
            for (int i = 0; i < x.Length; i++) if (x[i] == y[t[i]]) ties[t[i]]++;
            for (int i = 0; i < dx.Length; i++) dx[i] = x[i] == y[t[i]] ? dy[t[i]] / ties[t[i]] : 0;
        }
    }

    /// <summary>y = √(Σ x²); ∂y/∂x = x / y, taken as 0 where y = 0 (all of its elements zero: PyTorch's norm gives 0 there too).</summary>
    private sealed class L2 : Reduction
    {
        public override void Forward(ReadOnlySpan<float> x, int[] t, Span<float> y)
        {
            var sums = Sums(x, t, y.Length, v => (double)v * v);
            for (int o = 0; o < y.Length; o++) y[o] = (float)Math.Sqrt(sums[o]);
        }

        public override void Backward(ReadOnlySpan<float> x, int[] t, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < dx.Length; i++) dx[i] = y[t[i]] == 0 ? 0 : dy[t[i]] * x[i] / y[t[i]];
        }
    }
}
