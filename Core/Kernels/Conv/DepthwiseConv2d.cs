using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Direct depthwise convolution (groups = Cin, Cout = m·Cin): every output plane is one input plane
/// convolved with its own kH×kW filter, which GEMM would waste its tiles on.
/// Shapes: x [N, C, H, W], w [C·m, 1, kH, kW], y [N, C·m, Hout, Wout]; output channel oc reads input channel oc / m.
/// One filter per channel (m = 1, every MobileNet and EfficientNet layer) runs <see cref="DepthwiseChannelBlocked"/>,
/// channels in the vector lanes. Channel multipliers m > 1 run plane by plane here: stride-1 planes with a
/// register-blocked kernel (one vector of outputs, all taps before one store), other strides a scalar one.
/// Called by <see cref="Conv2d"/>, which validates the shapes.
/// </summary>
internal static unsafe class DepthwiseConv2d
{
    /// <summary>
    /// y [N, C·m, Hout, Wout] = f(depthwise(x [N, C, H, W], s ⊙ w [C·m, 1, kH, kW]) + b + r) (<see cref="ConvEpilogue"/>). The
    /// channel-blocked kernel folds s into the weights it packs and applies r and f to each block it writes; the per-plane one
    /// reads the weights in place (a scaled copy when s is given) and applies f to each plane, or r and f in one pass afterwards.
    /// </summary>
    public static void Forward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output, ConvEpilogue epilogue)
    {
        if (UsesChannelBlocks(g))
        {
            ChannelBlocked(g, input, false, weight, bias, output, false, epilogue, wide: Width == VectorWidth.Bits512);
            return;
        }
        var scaled = epilogue.WeightScale is null ? weight : ScaledRows(weight, epilogue.WeightScale);
        PerPlane(g, input, scaled, bias, output, epilogue.Addend is null ? epilogue.Activation : null);
        if (epilogue.Addend is not null) epilogue.Finish(output.Pointer, 0, output.Length);
    }

    /// <summary>
    /// Channel blocks out (<see cref="ChannelBlocks"/> data), from planes or channel blocks (<paramref name="inputBlocked"/>):
    /// the inference path between layers that keep the channels in the lanes. One filter per channel only.
    /// </summary>
    internal static void ForwardToBlocks(Conv2dGeometry g, Tensor input, bool inputBlocked, Tensor weight, Tensor? bias, Tensor output,
        ConvEpilogue epilogue) =>
        ChannelBlocked(g, input, inputBlocked, weight, bias, output, true, epilogue, wide: Kernels.ChannelBlocks.CurrentLanes == 16);

    /// <summary><see cref="DepthwiseChannelBlocked.Forward"/> at 512 bits (<paramref name="wide"/>) or 256.</summary>
    private static void ChannelBlocked(Conv2dGeometry g, Tensor input, bool inputBlocked, Tensor weight, Tensor? bias, Tensor output,
        bool outputBlocked, ConvEpilogue epilogue, bool wide)
    {
        float* b = bias is null ? null : bias.Pointer;
        if (wide) DepthwiseChannelBlocked.Forward<Float512>(g, input.Pointer, inputBlocked, weight.Pointer, b, output.Pointer, outputBlocked, epilogue);
        else DepthwiseChannelBlocked.Forward<Float256>(g, input.Pointer, inputBlocked, weight.Pointer, b, output.Pointer, outputBlocked, epilogue);
    }

    /// <summary>w′[m, ·] = s[m]·w[m, ·] for w [M, …], s [M].</summary>
    private static Tensor ScaledRows(Tensor weight, Tensor scale)
    {
        var scaled = new Tensor(weight.Shape);
        int rows = scale.Length, perRow = weight.Length / rows;
        for (int m = 0; m < rows; m++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(weight.Span.Slice(m * perRow, perRow), scale.Span[m], scaled.Span.Slice(m * perRow, perRow));
        return scaled;
    }

    /// <summary>Plane by plane (channel multipliers > 1, or channel blocks switched off): y = f(depthwise(x, w) + b).</summary>
    private static void PerPlane(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output, Activation? activation)
    {
        int multiplier = g.OutChannels / g.InChannels, taps = g.KernelHeight * g.KernelWidth;
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        nint x = (nint)input.Pointer, w = (nint)weight.Pointer, y = (nint)output.Pointer;
        nint b = bias is null ? 0 : (nint)bias.Pointer;
        PlaneParallel.For(g.Batch * g.OutChannels, (long)outPlane * taps, (first, end) =>
        {
            for (int plane = first; plane < end; plane++)
            {
                int n = plane / g.OutChannels, oc = plane % g.OutChannels;
                float* xPlane = (float*)x + ((long)n * g.InChannels + oc / multiplier) * inPlane;
                float biasValue = b == 0 ? 0f : ((float*)b)[oc];
                float* yPlane = (float*)y + (long)plane * outPlane;
                Plane(g, xPlane, (float*)w + (long)oc * taps, biasValue, yPlane);
                activation?.ForwardInPlace(yPlane, outPlane);
            }
        });
    }

    /// <summary>dx [N, C, H, W] from dy [N, C·m, Hout, Wout] and w [C·m, 1, kH, kW].</summary>
    public static void BackwardData(Conv2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput)
    {
        if (UsesChannelBlocks(g))
        {
            if (Width == VectorWidth.Bits512) DepthwiseChannelBlocked.BackwardData<Float512>(g, gradOutput.Pointer, weight.Pointer, gradInput.Pointer);
            else DepthwiseChannelBlocked.BackwardData<Float256>(g, gradOutput.Pointer, weight.Pointer, gradInput.Pointer);
            return;
        }
        int multiplier = g.OutChannels / g.InChannels, taps = g.KernelHeight * g.KernelWidth;
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        // For stride 1, dx is a stride-1 depthwise convolution of dy with the kernel turned by 180° and
        // padding d·(k − 1) − p on each side, so the register-blocked forward kernel does the work.
        var flipped = g.StrideOneAdjoint()?.With(batch: 1, inChannels: 1, outChannels: 1, groups: 1);
        nint dy = (nint)gradOutput.Pointer, w = (nint)weight.Pointer, dx = (nint)gradInput.Pointer;
        PlaneParallel.For(g.Batch * g.InChannels, (long)outPlane * taps * multiplier, (first, end) =>
        {
            float* turned = stackalloc float[taps];
            for (int plane = first; plane < end; plane++)
            {
                int n = plane / g.InChannels, ic = plane % g.InChannels;
                float* dxPlane = (float*)dx + (long)plane * inPlane;
                for (int j = 0; j < multiplier; j++)
                {
                    int oc = ic * multiplier + j;
                    float* dyPlane = (float*)dy + ((long)n * g.OutChannels + oc) * outPlane;
                    float* wPlane = (float*)w + (long)oc * taps;
                    if (flipped is not null)
                    {
                        for (int t = 0; t < taps; t++) turned[t] = wPlane[taps - 1 - t];
                        Plane(flipped, dyPlane, turned, 0f, dxPlane, accumulate: j > 0);
                    }
                    else
                    {
                        if (j == 0) new Span<float>(dxPlane, inPlane).Clear();
                        ScatterPlane(g, dyPlane, wPlane, dxPlane);
                    }
                }
            }
        });
    }

    /// <summary>dw [C·m, 1, kH, kW] = Σ_{n, oh, ow} dy[n, oc, oh, ow] · x at each tap.</summary>
    public static void BackwardWeights(Conv2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight)
    {
        if (UsesChannelBlocks(g))
        {
            if (Width == VectorWidth.Bits512) DepthwiseChannelBlocked.BackwardWeights<Float512>(g, input.Pointer, gradOutput.Pointer, gradWeight.Pointer);
            else DepthwiseChannelBlocked.BackwardWeights<Float256>(g, input.Pointer, gradOutput.Pointer, gradWeight.Pointer);
            return;
        }
        int multiplier = g.OutChannels / g.InChannels, taps = g.KernelHeight * g.KernelWidth;
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        nint x = (nint)input.Pointer, dy = (nint)gradOutput.Pointer, dw = (nint)gradWeight.Pointer;
        PlaneParallel.For(g.OutChannels, (long)g.Batch * outPlane * taps, (first, end) =>
        {
            for (int oc = first; oc < end; oc++)
                for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    var (ohLo, ohHi) = ConvTaps.ValidOutputs(kh * g.DilationH - g.Padding.Top, g.StrideH, g.InHeight, g.OutHeight);
                    int colOffset = kw * g.DilationW - g.Padding.Left;
                    var (lo, hi) = ConvTaps.ValidOutputs(colOffset, g.StrideW, g.InWidth, g.OutWidth);
                    double sum = 0;
                    for (int n = 0; n < g.Batch; n++)
                    {
                        float* xPlane = (float*)x + ((long)n * g.InChannels + oc / multiplier) * inPlane;
                        float* dyPlane = (float*)dy + ((long)n * g.OutChannels + oc) * outPlane;
                        for (int oh = ohLo; oh < ohHi; oh++)
                        {
                            int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                            sum += Dot(dyPlane + oh * g.OutWidth + lo, xPlane + ih * g.InWidth + lo * g.StrideW + colOffset,
                                hi - lo, g.StrideW);
                        }
                    }
                    ((float*)dw)[(long)oc * taps + kh * g.KernelWidth + kw] = (float)sum;
                }
        });
    }

    /// <summary>The vector width of both kernels: the widest the CPU runs natively; tests pin 256 too.</summary>
    internal static VectorWidth Width { get; set; } = VectorLoop.DefaultWidth;

    /// <summary>Tests pin false to run one-filter-per-channel cases through the per-plane kernel as well.</summary>
    internal static bool ChannelBlocks { get; set; } = true;

    private static bool UsesChannelBlocks(Conv2dGeometry g) => ChannelBlocks && g.OutChannels == g.InChannels;

    /// <summary>One output plane: y[oh, ow] (+)= bias + Σ_{kh, kw} w[kh, kw] · x[oh·sH − pT + kh·dH, ow·sW − pL + kw·dW].</summary>
    private static void Plane(Conv2dGeometry g, float* x, float* w, float bias, float* y, bool accumulate = false)
    {
        if (Width == VectorWidth.Bits512) Plane<Float512>(g, x, w, bias, y, accumulate);
        else Plane<Float256>(g, x, w, bias, y, accumulate);
    }

    private static void Plane<TVector>(Conv2dGeometry g, float* x, float* w, float bias, float* y, bool accumulate)
        where TVector : struct, IFloatVector<TVector>
    {
        int wo = g.OutWidth, kW = g.KernelWidth, count = TVector.Count;
        // Columns [interiorLo, interiorHi) read every kw tap inside the row; the rest are the border.
        int interiorLo = ConvTaps.ValidOutputs(-g.Padding.Left, g.StrideW, g.InWidth, wo).Lo;
        int interiorHi = ConvTaps.ValidOutputs((kW - 1) * g.DilationW - g.Padding.Left, g.StrideW, g.InWidth, wo).Hi;
        bool vector = g.StrideW == 1 && interiorHi - interiorLo >= count;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            float* yRow = y + oh * wo;
            int ow = 0;
            if (vector)
            {
                for (; ow < interiorLo; ow++) yRow[ow] = OnePoint(g, x, w, oh, ow, bias, yRow[ow], accumulate);
                // Last vector may overlap the previous one: it recomputes the same sums, so the result is unchanged
                // — except when accumulating, where the overlap would add twice; there the tail goes scalar.
                int last = interiorHi - count;
                for (; ow <= last; ow += count)
                    VectorPoint<TVector>(g, x, w, oh, ow, bias, yRow + ow, accumulate);
                if (!accumulate && ow < interiorHi)
                {
                    VectorPoint<TVector>(g, x, w, oh, last, bias, yRow + last, accumulate: false);
                    ow = interiorHi;
                }
            }
            for (; ow < wo; ow++) yRow[ow] = OnePoint(g, x, w, oh, ow, bias, yRow[ow], accumulate);
        }
    }

    /// <summary>One vector of neighbouring outputs of a stride-1 row whose taps all lie inside the row.</summary>
    private static void VectorPoint<TVector>(Conv2dGeometry g, float* x, float* w, int oh, int ow, float bias, float* y,
        bool accumulate) where TVector : struct, IFloatVector<TVector>
    {
        var sum = accumulate ? TVector.Load(y) : TVector.Broadcast(bias);
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
            if ((uint)ih >= (uint)g.InHeight) continue;
            float* xRow = x + ih * g.InWidth + ow - g.Padding.Left;
            float* wRow = w + kh * g.KernelWidth;
            for (int kw = 0; kw < g.KernelWidth; kw++)
                sum = TVector.MultiplyAdd(TVector.Broadcast(wRow[kw]), TVector.Load(xRow + kw * g.DilationW), sum);
        }
        sum.Store(y);
    }

    /// <summary>One output with bounds checks on every tap.</summary>
    private static float OnePoint(Conv2dGeometry g, float* x, float* w, int oh, int ow, float bias, float current, bool accumulate)
    {
        float sum = accumulate ? current : bias;
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
            if ((uint)ih >= (uint)g.InHeight) continue;
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                int iw = ow * g.StrideW - g.Padding.Left + kw * g.DilationW;
                if ((uint)iw < (uint)g.InWidth) sum += w[kh * g.KernelWidth + kw] * x[ih * g.InWidth + iw];
            }
        }
        return sum;
    }

    /// <summary>dx[ih, iw] += w[kh, kw] · dy[oh, ow] over all taps: the general-stride backward-data plane.</summary>
    private static void ScatterPlane(Conv2dGeometry g, float* dy, float* w, float* dx)
    {
        for (int oh = 0; oh < g.OutHeight; oh++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int ih = oh * g.StrideH - g.Padding.Top + kh * g.DilationH;
                if ((uint)ih >= (uint)g.InHeight) continue;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    float weight = w[kh * g.KernelWidth + kw];
                    int colOffset = kw * g.DilationW - g.Padding.Left;
                    var (lo, hi) = ConvTaps.ValidOutputs(colOffset, g.StrideW, g.InWidth, g.OutWidth);
                    float* dxRow = dx + ih * g.InWidth + colOffset;
                    float* dyRow = dy + oh * g.OutWidth;
                    for (int ow = lo; ow < hi; ow++) dxRow[ow * g.StrideW] += weight * dyRow[ow];
                }
            }
    }

    /// <summary>Σ_i a[i] · b[i·stride]; a row at a time, so the float dot product of one row is exact enough and rows add in double.</summary>
    private static double Dot(float* a, float* b, int count, int stride)
    {
        if (stride == 1) return System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<float>(a, count), new ReadOnlySpan<float>(b, count));
        double sum = 0;
        for (int i = 0; i < count; i++) sum += a[i] * b[i * stride];
        return sum;
    }
}
