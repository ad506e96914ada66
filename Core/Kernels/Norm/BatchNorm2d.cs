using System.Numerics;
using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Batch normalization over the channels of an [N, C, H, W] tensor; the fast version of
/// <see cref="BatchNorm2dReference"/> (see there for the formulas and the PyTorch running-statistics convention).
/// Channels run in parallel; each channel's N planes are reduced with vector loops (two passes, so the variance
/// does not cancel when |mean| ≫ std) whose float lanes are flushed into a double sum every
/// <see cref="FlushEvery"/> values, and every per-element map is one fused vector pass of the form
/// a·u + b·(v − shift) + k.
/// </summary>
internal static unsafe class BatchNorm2d
{
    /// <summary>
    /// Values summed in float (vector lanes) before the partial sum joins the double total: a float lane then adds at
    /// most FlushEvery / lanes terms, so a plane of any size (112×112, 224×224, …) keeps about float precision.
    /// </summary>
    private const int FlushEvery = 2048;

    // input [N, C, H, W]; gamma, beta [C]; runningMean, runningVar [C] (updated); saveMean, saveInvStd [C]
    // (written: μ and 1/√(σ² + ε), for BackwardTraining) → output [N, C, H, W]
    public static void ForwardTraining(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float epsilon, Tensor output, Tensor saveMean, Tensor saveInvStd)
    {
        var layout = Validate(input, output, nameof(output), (gamma, nameof(gamma)), (beta, nameof(beta)),
            (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)), (saveMean, nameof(saveMean)),
            (saveInvStd, nameof(saveInvStd)));
        RequireEpsilon(epsilon);
        if (!(momentum >= 0f && momentum <= 1f))
            throw new ArgumentException($"momentum must lie in [0, 1]; {momentum} was given.", nameof(momentum));
        if (layout.Count == 1)
            throw new ArgumentException(
                $"BatchNorm2d training needs more than one value per channel; input has shape {input.Shape} (N·H·W = 1).",
                nameof(input));
        nint x = (nint)input.Pointer, mean = (nint)saveMean.Pointer, invStd = (nint)saveInvStd.Pointer;
        nint runMean = (nint)runningMean.Pointer, runVar = (nint)runningVar.Pointer;
        PlaneParallel.For(layout.Channels, layout.Count, (start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                double sum = 0, squares = 0;
                for (int n = 0; n < layout.Batch; n++)
                    sum += Sum(layout.Plane(x, n, c), layout.PlaneSize);
                float mu = (float)(sum / layout.Count);
                for (int n = 0; n < layout.Batch; n++)
                    squares += SumOfProducts(layout.Plane(x, n, c), mu, layout.Plane(x, n, c), mu, layout.PlaneSize);
                ((float*)mean)[c] = mu;
                ((float*)invStd)[c] = (float)(1 / Math.Sqrt(squares / layout.Count + epsilon));
                ((float*)runMean)[c] = (1 - momentum) * ((float*)runMean)[c] + momentum * mu;
                ((float*)runVar)[c] = (1 - momentum) * ((float*)runVar)[c] + momentum * (float)(squares / (layout.Count - 1));
            }
        });
        Normalize(layout, input, gamma, beta, saveMean.Pointer, saveInvStd.Pointer, output);
    }

    // input [N, C, H, W]; gamma, beta, runningMean, runningVar [C] → output [N, C, H, W]
    public static void ForwardInference(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float epsilon, Tensor output)
    {
        var layout = Validate(input, output, nameof(output), (gamma, nameof(gamma)), (beta, nameof(beta)),
            (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)));
        RequireEpsilon(epsilon);
        using var invStd = InverseStd(runningVar, epsilon);
        Normalize(layout, input, gamma, beta, runningMean.Pointer, invStd.Pointer, output);
    }

    /// <summary>
    /// Folds inference-mode batch norm into the convolution before it: with a = γ/√(running var + ε) per output channel m,
    /// w′[m, ·] = a·w[m, ·] and b′[m] = a·(b[m] − running mean[m]) + β[m], so conv(x; w′, b′) = BN(conv(x; w, b)).
    /// weight [Cout, K] (any K), bias [Cout] or empty (none: zeros), gamma, beta, runningMean, runningVar [Cout] →
    /// foldedWeight [Cout, K], foldedBias [Cout]; a folded tensor may be its source (each element is read before it is written).
    /// </summary>
    public static void Fold(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon, Span<float> foldedWeight, Span<float> foldedBias)
    {
        int channels = gamma.Length, perChannel = weight.Length / Math.Max(channels, 1);
        if (channels == 0 || perChannel * channels != weight.Length || foldedWeight.Length != weight.Length)
            throw new ArgumentException($"Folding batch norm of {channels} channels into a weight of {weight.Length} values: " +
                "the weight must be [channels, K].");
        Span<float> scale = channels <= 1024 ? stackalloc float[channels] : new float[channels];
        FoldScales(bias, gamma, beta, runningMean, runningVar, epsilon, scale, foldedBias);
        for (int m = 0; m < channels; m++)
            TensorPrimitives.Multiply(weight.Slice(m * perChannel, perChannel), scale[m], foldedWeight.Slice(m * perChannel, perChannel));
    }

    /// <summary>
    /// The per-channel half of <see cref="Fold"/>: scale[m] = a = γ/√(running var + ε) (the factor of w′ = a·w, rounded to
    /// float as Fold multiplies by it) and foldedBias[m] = a·(b[m] − running mean[m]) + β[m]; the convolution kernels apply
    /// the scale as they pack the weights (<see cref="Conv2d"/>), so the folded weights are never written out.
    /// bias [Cout] or empty; gamma, beta, runningMean, runningVar, scale, foldedBias [Cout]; foldedBias may be bias.
    /// </summary>
    public static void FoldScales(ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVar, float epsilon, Span<float> scale, Span<float> foldedBias)
    {
        int channels = gamma.Length;
        if (channels == 0 || scale.Length != channels || foldedBias.Length != channels || beta.Length != channels
            || runningMean.Length != channels || runningVar.Length != channels || (bias.Length != 0 && bias.Length != channels))
            throw new ArgumentException($"Folding batch norm of {channels} channels (bias {bias.Length}, scale {scale.Length}, " +
                $"folded bias {foldedBias.Length}): every per-channel tensor must be [channels].");
        for (int m = 0; m < channels; m++)
        {
            double a = gamma[m] / Math.Sqrt(runningVar[m] + (double)epsilon);
            scale[m] = (float)a;
            foldedBias[m] = (float)(a * ((bias.Length == 0 ? 0 : bias[m]) - runningMean[m]) + beta[m]);
        }
    }

    // input, gradOutput [N, C, H, W]; gamma, saveMean, saveInvStd [C] (from ForwardTraining)
    // → gradInput [N, C, H, W], gradGamma, gradBeta [C] (all overwritten). With x̂ = (x − μ)·invStd:
    //   gradBeta = Σ dy, gradGamma = Σ dy·x̂, gradInput = γ·invStd·(dy − gradBeta/M − x̂·gradGamma/M).
    public static void BackwardTraining(Tensor input, Tensor gradOutput, Tensor gamma, Tensor saveMean,
        Tensor saveInvStd, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        var layout = Validate(input, gradOutput, nameof(gradOutput), (gamma, nameof(gamma)), (saveMean, nameof(saveMean)),
            (saveInvStd, nameof(saveInvStd)), (gradGamma, nameof(gradGamma)), (gradBeta, nameof(gradBeta)));
        Require.SameShape(gradInput, input, nameof(gradInput), nameof(input));
        Backward(layout, input, gradOutput, gamma, saveMean.Pointer, saveInvStd.Pointer, throughBatchStatistics: true,
            gradInput, gradGamma, gradBeta);
    }

    // input, gradOutput [N, C, H, W]; gamma, runningMean, runningVar [C] → gradInput [N, C, H, W], gradGamma,
    // gradBeta [C] (all overwritten): the statistics are constants, so gradInput = γ·dy/√(running var + ε).
    public static void BackwardInference(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean,
        Tensor runningVar, float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        var layout = Validate(input, gradOutput, nameof(gradOutput), (gamma, nameof(gamma)),
            (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)), (gradGamma, nameof(gradGamma)),
            (gradBeta, nameof(gradBeta)));
        RequireEpsilon(epsilon);
        Require.SameShape(gradInput, input, nameof(gradInput), nameof(input));
        using var invStd = InverseStd(runningVar, epsilon);
        Backward(layout, input, gradOutput, gamma, runningMean.Pointer, invStd.Pointer, throughBatchStatistics: false,
            gradInput, gradGamma, gradBeta);
    }

    /// <summary>y = γ·invStd·(x − mean) + β per channel.</summary>
    private static void Normalize(ChannelLayout layout, Tensor input, Tensor gamma, Tensor beta, float* mean,
        float* invStd, Tensor output)
    {
        nint x = (nint)input.Pointer, y = (nint)output.Pointer, g = (nint)gamma.Pointer, b = (nint)beta.Pointer;
        nint mu = (nint)mean, inv = (nint)invStd;
        PlaneParallel.For(layout.Channels, layout.Count, (start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                float scale = ((float*)g)[c] * ((float*)inv)[c];
                for (int n = 0; n < layout.Batch; n++)
                    Combine(layout.Plane(x, n, c), 0f, layout.Plane(x, n, c), ((float*)mu)[c], scale, ((float*)b)[c],
                        layout.Plane(y, n, c), layout.PlaneSize);
            }
        });
    }

    private static void Backward(ChannelLayout layout, Tensor input, Tensor gradOutput, Tensor gamma, float* mean,
        float* invStd, bool throughBatchStatistics, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        nint x = (nint)input.Pointer, dy = (nint)gradOutput.Pointer, dx = (nint)gradInput.Pointer, g = (nint)gamma.Pointer;
        nint mu = (nint)mean, inv = (nint)invStd, dGamma = (nint)gradGamma.Pointer, dBeta = (nint)gradBeta.Pointer;
        PlaneParallel.For(layout.Channels, 2L * layout.Count, (start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                float m = ((float*)mu)[c], s = ((float*)inv)[c];
                double sumDy = 0, sumDyCentered = 0;
                for (int n = 0; n < layout.Batch; n++)
                {
                    sumDy += Sum(layout.Plane(dy, n, c), layout.PlaneSize);
                    sumDyCentered += SumOfProducts(layout.Plane(dy, n, c), 0f, layout.Plane(x, n, c), m, layout.PlaneSize);
                }
                float gradB = (float)sumDy, gradG = (float)(sumDyCentered * s);
                ((float*)dBeta)[c] = gradB;
                ((float*)dGamma)[c] = gradG;
                // gradInput = a·dy + b·(x − μ) + k; b and k carry the gradient through μ and σ² in training.
                float a = ((float*)g)[c] * s;
                float b = throughBatchStatistics ? -a * s * gradG / layout.Count : 0f;
                float k = throughBatchStatistics ? -a * gradB / layout.Count : 0f;
                for (int n = 0; n < layout.Batch; n++)
                    Combine(layout.Plane(dy, n, c), a, layout.Plane(x, n, c), m, b, k, layout.Plane(dx, n, c), layout.PlaneSize);
            }
        });
    }

    private static ScratchBuffer InverseStd(Tensor variance, float epsilon)
    {
        var invStd = ScratchPool.Rent(variance.Length);
        for (int c = 0; c < variance.Length; c++) invStd.Span[c] = 1f / MathF.Sqrt(variance.Span[c] + epsilon);
        return invStd;
    }

    /// <summary>Σ u[i], in float per block of <see cref="FlushEvery"/> values and in double across blocks.</summary>
    private static double Sum(float* u, int count)
    {
        double sum = 0;
        for (int start = 0; start < count; start += FlushEvery)
            sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(u + start, Math.Min(FlushEvery, count - start)));
        return sum;
    }

    /// <summary>
    /// Σ (u[i] − uShift)·(v[i] − vShift), in float lanes per block of <see cref="FlushEvery"/> values and in double
    /// across blocks.
    /// </summary>
    private static double SumOfProducts(float* u, float uShift, float* v, float vShift, int count)
    {
        double sum = 0;
        for (int start = 0; start < count; start += FlushEvery)
        {
            int i = start, end = Math.Min(start + FlushEvery, count);
            if (Vector.IsHardwareAccelerated)
            {
                var acc = Vector<float>.Zero;
                Vector<float> us = new(uShift), vs = new(vShift);
                for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
                    acc += (Vector.Load(u + i) - us) * (Vector.Load(v + i) - vs);
                sum += Vector.Sum(acc);
            }
            for (; i < end; i++) sum += (u[i] - uShift) * (v[i] - vShift);
        }
        return sum;
    }

    /// <summary>dst[i] = a·u[i] + b·(v[i] − vShift) + k.</summary>
    private static void Combine(float* u, float a, float* v, float vShift, float b, float k, float* dst, int count)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> av = new(a), bv = new(b), kv = new(k), shift = new(vShift);
            for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
                (av * Vector.Load(u + i) + bv * (Vector.Load(v + i) - shift) + kv).Store(dst + i);
        }
        for (; i < count; i++) dst[i] = a * u[i] + b * (v[i] - vShift) + k;
    }

    /// <summary>Checks the [N, C, H, W] input, a second tensor of its shape, and every per-channel tensor [C].</summary>
    private static ChannelLayout Validate(Tensor input, Tensor sameShape, string sameShapeName,
        params ReadOnlySpan<(Tensor Tensor, string Name)> perChannel)
    {
        Require.Rank(input, 4, nameof(input));
        Require.SameShape(sameShape, input, sameShapeName, nameof(input));
        var channels = new TensorShape(input.Shape[1]);
        foreach (var (tensor, name) in perChannel) Require.Shape(tensor, channels, name);
        return new ChannelLayout(input.Shape);
    }

    private static void RequireEpsilon(float epsilon)
    {
        if (!(epsilon > 0f && float.IsFinite(epsilon)))
            throw new ArgumentException($"epsilon must be positive and finite; {epsilon} was given.", nameof(epsilon));
    }

    /// <summary>Where channel c of batch item n starts in an [N, C, H, W] tensor.</summary>
    private readonly struct ChannelLayout(TensorShape shape)
    {
        public int Batch { get; } = shape[0];
        public int Channels { get; } = shape[1];
        public int PlaneSize { get; } = shape[2] * shape[3];
        /// <summary>M = N·H·W, the values one channel is normalized over.</summary>
        public int Count => Batch * PlaneSize;
        public float* Plane(nint tensor, int n, int c) => (float*)tensor + ((long)n * Channels + c) * PlaneSize;
    }
}
