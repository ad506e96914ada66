using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of the point-wise activations and <see cref="PReLU"/>: f and f′ from the textbook formulas,
/// element by element, in any precision. f′ is always taken at the input x; at a kink it takes PyTorch's side.
/// </summary>
internal static class ActivationsReference
{
    /// <summary>f(x).</summary>
    public static T Value<T>(Activation activation, T x) where T : IFloatingPointIeee754<T>
    {
        T zero = T.Zero, one = T.One, three = T.CreateChecked(3), six = T.CreateChecked(6);
        return activation switch
        {
            ReLU => x > zero ? x : zero,
            Clip clip => T.Min(T.Max(x, T.CreateChecked(clip.Min)), T.CreateChecked(clip.Max)),
            LeakyReLU leaky => x > zero ? x : T.CreateChecked(leaky.Slope) * x,
            Sigmoid => one / (one + T.Exp(-x)),
            Tanh => T.Tanh(x),
            HardSigmoid hard => T.Clamp(T.CreateChecked(hard.Alpha) * x + T.CreateChecked(hard.Beta), zero, one),
            HardSwish => x * T.Min(T.Max(x + three, zero), six) / six,
            SiLU => x / (one + T.Exp(-x)),
            ExponentialLinear => ExponentialLinearValue(activation, x),
            Softplus => T.Max(x, zero) + T.Log(one + T.Exp(-T.Abs(x))), // ln(1 + e^x), without overflowing e^x
            Softsign => x / (one + T.Abs(x)),
            ThresholdedReLU thresholded => x > T.CreateChecked(thresholded.Alpha) ? x : zero,
            Exp => T.Exp(x),
            Log => T.Log(x),
            Sqrt => T.Sqrt(x),
            Neg => -x,
            Abs => T.Abs(x),
            Reciprocal => one / x,
            Erf => ErrorFunction(x),
            Atanh => T.Atanh(x),
            _ => throw Unknown(activation),
        };
    }

    /// <summary>f′(x).</summary>
    public static T Derivative<T>(Activation activation, T x) where T : IFloatingPointIeee754<T>
    {
        T zero = T.Zero, one = T.One, half = T.CreateChecked(0.5), three = T.CreateChecked(3);
        switch (activation)
        {
            case ReLU: return x > zero ? one : zero;
            case Clip clip: return x > T.CreateChecked(clip.Min) && x < T.CreateChecked(clip.Max) ? one : zero;
            case LeakyReLU leaky: return x > zero ? one : T.CreateChecked(leaky.Slope);
            case Sigmoid:
                T s = one / (one + T.Exp(-x));
                return s * (one - s);
            case Tanh:
                T t = T.Tanh(x);
                return one - t * t;
            case HardSigmoid hard:
                T alpha = T.CreateChecked(hard.Alpha), z = alpha * x + T.CreateChecked(hard.Beta);
                return z > zero && z < one ? alpha : zero;
            case HardSwish: return x < -three ? zero : x <= three ? x / three + half : one;
            case SiLU:
                T sigma = one / (one + T.Exp(-x));
                return sigma * (one + x * (one - sigma));
            case ExponentialLinear: return ExponentialLinearDerivative(activation, x);
            case Softplus: return one / (one + T.Exp(-x));
            case Softsign: return one / ((one + T.Abs(x)) * (one + T.Abs(x)));
            case ThresholdedReLU thresholded: return x > T.CreateChecked(thresholded.Alpha) ? one : zero;
            case Exp: return T.Exp(x);
            case Log: return one / x;
            case Sqrt: return one / (T.CreateChecked(2) * T.Sqrt(x));
            case Neg: return -one;
            case Abs: return x > zero ? one : x < zero ? -one : zero;
            case Reciprocal: return -one / (x * x);
            case Erf: return T.CreateChecked(2 / Math.Sqrt(Math.PI)) * T.Exp(-x * x);
            case Atanh: return one / (one - x * x);
            default: throw Unknown(activation);
        }
    }

    /// <summary>γ·(x &gt; 0 ? x : α·(e^(x/β) − 1)) of <see cref="ExponentialLinear"/>.</summary>
    private static T ExponentialLinearValue<T>(Activation activation, T x) where T : IFloatingPointIeee754<T>
    {
        var (alpha, gamma, beta) = ExponentialLinearSettings<T>(activation);
        return gamma * (x > T.Zero ? x : alpha * (T.Exp(x / beta) - T.One));
    }

    /// <summary>γ·(x &gt; 0 ? 1 : (α/β)·e^(x/β)).</summary>
    private static T ExponentialLinearDerivative<T>(Activation activation, T x) where T : IFloatingPointIeee754<T>
    {
        var (alpha, gamma, beta) = ExponentialLinearSettings<T>(activation);
        return gamma * (x > T.Zero ? T.One : alpha / beta * T.Exp(x / beta));
    }

    /// <summary>(α, γ, β) of Elu (α, 1, 1), Selu (α, γ, 1) and Celu (α, 1, α).</summary>
    private static (T Alpha, T Gamma, T Beta) ExponentialLinearSettings<T>(Activation activation) where T : IFloatingPointIeee754<T>
    {
        T alpha = T.CreateChecked(((ExponentialLinear)activation).Alpha), one = T.One;
        return activation switch
        {
            Elu => (alpha, one, one),
            Selu selu => (alpha, T.CreateChecked(selu.Gamma), one),
            Celu => (alpha, one, alpha),
            _ => throw Unknown(activation),
        };
    }

    /// <summary>
    /// erf(x) from the series (2/√π)·e^−x²·Σ_n 2^n·x^(2n+1) / (1·3·…·(2n + 1)) (Abramowitz &amp; Stegun 7.1.6), whose terms
    /// are all of x's sign (no cancellation), summed until they no longer change the sum; ±1 beyond |x| = 6 (erfc(6) &lt; 3e-17).
    /// </summary>
    public static T ErrorFunction<T>(T x) where T : IFloatingPointIeee754<T>
    {
        if (T.Abs(x) > T.CreateChecked(6)) return T.CopySign(T.One, x);
        T twoXSquared = T.CreateChecked(2) * x * x, term = x, sum = x;
        for (int n = 1; sum + term != sum; n++)
        {
            term *= twoXSquared / T.CreateChecked(2 * n + 1);
            sum += term;
        }
        return T.CreateChecked(2 / Math.Sqrt(Math.PI)) * T.Exp(-x * x) * sum;
    }

    // x, y [any shape]:  y = f(x)
    public static void Forward<T>(Activation activation, ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Value(activation, x[i]);
    }

    // x, dy, dx [any shape]:  dx = dy · f′(x)
    public static void Backward<T>(Activation activation, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) dx[i] = dy[i] * Derivative(activation, x[i]);
    }

    // x, y [N, C, planeSize], slope [C] or [1]:  y = x > 0 ? x : slope[c]·x
    public static void PReLUForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> slope, Span<T> y, int batch, int channels,
        int planeSize) where T : IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < planeSize; i++)
                {
                    int at = (n * channels + c) * planeSize + i;
                    y[at] = x[at] > T.Zero ? x[at] : slope[slope.Length == 1 ? 0 : c] * x[at];
                }
    }

    // x, dy, dx [N, C, planeSize], slope, dSlope [C] or [1]:
    //   dx = x > 0 ? dy : slope[c]·dy;   dSlope[c] = Σ_{n, i with x < 0} dy·x
    public static void PReLUBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> slope, ReadOnlySpan<T> dy, Span<T> dx,
        Span<T> dSlope, int batch, int channels, int planeSize) where T : IFloatingPointIeee754<T>
    {
        dSlope.Clear();
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < planeSize; i++)
                {
                    int at = (n * channels + c) * planeSize + i, k = slope.Length == 1 ? 0 : c;
                    dx[at] = x[at] > T.Zero ? dy[at] : slope[k] * dy[at];
                    if (x[at] < T.Zero) dSlope[k] += dy[at] * x[at];
                }
    }

    private static ArgumentException Unknown(Activation activation) =>
        new($"No reference formula for activation {activation}.", nameof(activation));
}
