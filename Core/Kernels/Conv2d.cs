using System.Runtime.CompilerServices;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, PyTorch/ONNX semantics; <see cref="Conv2dReference"/> is the
/// specification). Per group and chunk of images it is one GEMM over the im2col matrix — none for a 1×1
/// stride-1 unpadded kernel on one image — and depthwise convolution goes to <see cref="DepthwiseConv2d"/>.
/// Shapes: x [N, Cin, H, W], w [Cout, Cin/G, kH, kW], b [Cout], y [N, Cout, Hout, Wout].
/// </summary>
public static unsafe class Conv2d
{
    internal static bool UseImplicitGemm = Environment.GetEnvironmentVariable("CONV_IMPLICIT") != "0";

    /// <summary>y = conv(x, w) + b. x [N, Cin, H, W], w [Cout, Cin/G, kH, kW], b [Cout] or null → y [N, Cout, Hout, Wout].</summary>
    public static void Forward(Conv2dGeometry g, Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        if (bias is not null) Require.Shape(bias, g.BiasShape, nameof(bias));
        Require.Shape(output, g.OutputShape, nameof(output));
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.Forward(g, input, weight, bias, output);
            return;
        }

        int cols = g.OutHeight * g.OutWidth, inPlane = g.InHeight * g.InWidth;
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        var plan = ConvWorkPlan.For(g.Batch, cols);
        if (ImplicitGemmConv.Applies(g) && UseImplicitGemm)
        {
            ImplicitGemmConv.Forward(g, input.Pointer, weight.Pointer, bias is null ? null : bias.Pointer, output.Pointer,
                ConvWorkPlan.PerImage(g.Batch));
            return;
        }
        nint x = (nint)input.Pointer, w = (nint)weight.Pointer, y = (nint)output.Pointer;
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * cols;
            bool direct = count == 1;
            using var colBuffer = g.IsPointwise && direct ? default : ScratchPool.Rent(kg * ld);
            using var product = direct ? default : ScratchPool.Rent(mg * ld);
            for (int group = 0; group < g.Groups; group++)
            {
                float* b;
                if (g.IsPointwise && direct)
                    b = (float*)x + ((long)first * g.InChannels + group * cg) * inPlane;
                else
                {
                    b = colBuffer.Pointer;
                    for (int i = 0; i < count; i++)
                        Im2Col.Lower(g, (float*)x + ((long)(first + i) * g.InChannels + group * cg) * inPlane,
                            b + i * cols, ld);
                }
                float* yGroup = (float*)y + ((long)first * g.OutChannels + group * mg) * cols;
                float* c = direct ? yGroup : product.Pointer;
                Gemm.Multiply(mg, ld, kg, (float*)w + (long)group * mg * kg, kg, 1, b, ld, 1, c, ld,
                    accumulate: false, plan.ParallelGemm);
                if (!direct)
                    CopyColumnsToImages(product.Pointer, mg, cols, count, yGroup, g.OutChannels);
            }
        });
        if (bias is not null) AddBias(g, bias, output);
    }

    /// <summary>dx = convᵀ(dy, w). dy [N, Cout, Hout, Wout], w [Cout, Cin/G, kH, kW] → dx [N, Cin, H, W].</summary>
    public static void BackwardData(Conv2dGeometry g, Tensor gradOutput, Tensor weight, Tensor gradInput)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(weight, g.WeightShape, nameof(weight));
        Require.Shape(gradInput, g.InputShape, nameof(gradInput));
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.BackwardData(g, gradOutput, weight, gradInput);
            return;
        }

        if (UseImplicitGemm && g.StrideOneAdjoint() is { } adjoint)
        {
            using var turned = ScratchPool.Rent(g.WeightShape.Length);
            TurnKernel(g, weight.Pointer, turned.Pointer);
            ImplicitGemmConv.Forward(adjoint, gradOutput.Pointer, turned.Pointer, null, gradInput.Pointer,
                ConvWorkPlan.PerImage(g.Batch));
            return;
        }
        int cols = g.OutHeight * g.OutWidth, inPlane = g.InHeight * g.InWidth;
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        nint dy = (nint)gradOutput.Pointer, w = (nint)weight.Pointer, dx = (nint)gradInput.Pointer;
        var plan = ConvWorkPlan.For(g.Batch, cols);
        plan.Run(g.Batch, (_, first, count) =>
        {
            int ld = count * cols;
            bool direct = count == 1;
            using var gathered = direct ? default : ScratchPool.Rent(mg * ld);
            using var colGrad = g.IsPointwise && direct ? default : ScratchPool.Rent(kg * ld);
            new Span<float>((float*)dx + (long)first * g.InChannels * inPlane, count * g.InChannels * inPlane).Clear();
            for (int group = 0; group < g.Groups; group++)
            {
                float* dyGroup = (float*)dy + ((long)first * g.OutChannels + group * mg) * cols;
                float* b = dyGroup;
                if (!direct)
                {
                    b = gathered.Pointer;
                    CopyImagesToColumns(dyGroup, g.OutChannels, mg, cols, count, b);
                }
                float* dxGroup = (float*)dx + ((long)first * g.InChannels + group * cg) * inPlane;
                // col' [kg, ld] = w_groupᵀ [kg, mg] · dy [mg, ld]; for 1×1 on one image col' is dx itself.
                float* c = g.IsPointwise && direct ? dxGroup : colGrad.Pointer;
                Gemm.Multiply(kg, ld, mg, (float*)w + (long)group * mg * kg, 1, kg, b, ld, 1, c, ld,
                    accumulate: false, plan.ParallelGemm);
                if (g.IsPointwise && direct) continue;
                for (int i = 0; i < count; i++)
                    Im2Col.Raise(g, c + i * cols, ld, dxGroup + (long)i * g.InChannels * inPlane);
            }
        });
    }

    /// <summary>
    /// dw = Σ_images dy · colᵀ, db = Σ_{n, oh, ow} dy. x [N, Cin, H, W], dy [N, Cout, Hout, Wout]
    /// → dw [Cout, Cin/G, kH, kW], db [Cout] (optional). Both are overwritten, not accumulated.
    /// </summary>
    public static void BackwardWeights(Conv2dGeometry g, Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias)
    {
        ArgumentNullException.ThrowIfNull(g);
        Require.Shape(input, g.InputShape, nameof(input));
        Require.Shape(gradOutput, g.OutputShape, nameof(gradOutput));
        Require.Shape(gradWeight, g.WeightShape, nameof(gradWeight));
        if (gradBias is not null) Require.Shape(gradBias, g.BiasShape, nameof(gradBias));
        if (gradBias is not null) BiasGradient(gradOutput, gradBias);
        if (g.IsDepthwise)
        {
            DepthwiseConv2d.BackwardWeights(g, input, gradOutput, gradWeight);
            return;
        }

        if (UseImplicitGemm && ImplicitGemmConv.Applies(g))
        {
            ImplicitGemmConv.BackwardWeights(g, input.Pointer, gradOutput.Pointer, gradWeight.Pointer);
            return;
        }
        int cols = g.OutHeight * g.OutWidth, inPlane = g.InHeight * g.InWidth;
        int mg = g.OutChannelsPerGroup, kg = g.PatchSize, cg = g.InChannelsPerGroup;
        int weightLength = g.WeightShape.Length;
        nint x = (nint)input.Pointer, dy = (nint)gradOutput.Pointer;
        var plan = ConvWorkPlan.For(g.Batch, cols);
        // Slot 0 accumulates straight into dw; the other slots into partial sums added at the end.
        using var partials = plan.Slots > 1 ? ScratchPool.Rent((plan.Slots - 1) * weightLength) : default;
        nint dwBase = (nint)gradWeight.Pointer, partialBase = plan.Slots > 1 ? (nint)partials.Pointer : 0;
        var started = new bool[plan.Slots];
        plan.Run(g.Batch, (slot, first, count) =>
        {
            float* dw = slot == 0 ? (float*)dwBase : (float*)partialBase + (long)(slot - 1) * weightLength;
            int ld = count * cols;
            bool direct = count == 1;
            using var gathered = direct ? default : ScratchPool.Rent(mg * ld);
            using var colBuffer = g.IsPointwise && direct ? default : ScratchPool.Rent(kg * ld);
            for (int group = 0; group < g.Groups; group++)
            {
                float* dyGroup = (float*)dy + ((long)first * g.OutChannels + group * mg) * cols;
                float* a = dyGroup;
                if (!direct)
                {
                    a = gathered.Pointer;
                    CopyImagesToColumns(dyGroup, g.OutChannels, mg, cols, count, a);
                }
                float* b;
                if (g.IsPointwise && direct)
                    b = (float*)x + ((long)first * g.InChannels + group * cg) * inPlane;
                else
                {
                    b = colBuffer.Pointer;
                    for (int i = 0; i < count; i++)
                        Im2Col.Lower(g, (float*)x + ((long)(first + i) * g.InChannels + group * cg) * inPlane,
                            b + i * cols, ld);
                }
                // dw_group [mg, kg] (+)= dy [mg, ld] · colᵀ [ld, kg]
                Gemm.Multiply(mg, kg, ld, a, ld, 1, b, 1, ld, dw + (long)group * mg * kg, kg,
                    accumulate: started[slot], plan.ParallelGemm);
            }
            started[slot] = true;
        });
        for (int slot = 1; slot < plan.Slots; slot++)
            if (started[slot])
                VectorMath.Add((float*)partialBase + (long)(slot - 1) * weightLength, (float*)dwBase, weightLength);
    }

    /// <summary>
    /// The weights of <see cref="Conv2dGeometry.StrideOneAdjoint"/>: w [Cout, Cin/G, kH, kW] →
    /// wᵀ [Cin, Cout/G, kH, kW] with wᵀ[g·Cg + ci, co, kh, kw] = w[g·Mg + co, ci, kH − 1 − kh, kW − 1 − kw].
    /// </summary>
    private static void TurnKernel(Conv2dGeometry g, float* w, float* turned)
    {
        int mg = g.OutChannelsPerGroup, cg = g.InChannelsPerGroup, taps = g.KernelHeight * g.KernelWidth;
        for (int group = 0; group < g.Groups; group++)
            for (int co = 0; co < mg; co++)
                for (int ci = 0; ci < cg; ci++)
                {
                    float* src = w + ((long)(group * mg + co) * cg + ci) * taps;
                    float* dst = turned + ((long)(group * cg + ci) * mg + co) * taps;
                    for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
                }
    }

    /// <summary>y[n, c, :, :] += b[c]. y [N, C, H, W], b [C].</summary>
    internal static void AddBias(Conv2dGeometry g, Tensor bias, Tensor output)
    {
        int plane = output.Shape[2] * output.Shape[3], channels = output.Shape[1];
        nint y = (nint)output.Pointer, b = (nint)bias.Pointer;
        CnnParallel.For(output.Shape[0], n =>
        {
            for (int c = 0; c < channels; c++)
                VectorMath.Add(((float*)b)[c], (float*)y + ((long)n * channels + c) * plane, plane);
        });
    }

    /// <summary>db[c] = Σ_{n, h, w} dy[n, c, h, w]. dy [N, C, H, W], db [C].</summary>
    internal static void BiasGradient(Tensor gradOutput, Tensor gradBias)
    {
        int batch = gradOutput.Shape[0], channels = gradOutput.Shape[1], plane = gradOutput.Shape[2] * gradOutput.Shape[3];
        nint dy = (nint)gradOutput.Pointer, db = (nint)gradBias.Pointer;
        CnnParallel.For(channels, c =>
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
                sum += VectorMath.Sum((float*)dy + ((long)n * channels + c) * plane, plane);
            ((float*)db)[c] = (float)sum;
        });
    }

    /// <summary>The [rows, count·cols] matrix of a chunk → rows of planes in count images whose channel stride is imageChannels·cols.</summary>
    private static void CopyColumnsToImages(float* src, int rows, int cols, int count, float* dst, int imageChannels)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                Unsafe.CopyBlockUnaligned(dst + ((long)i * imageChannels + r) * cols, src + (long)r * count * cols + i * cols,
                    (uint)(cols * sizeof(float)));
    }

    /// <summary>The inverse of <see cref="CopyColumnsToImages"/>.</summary>
    private static void CopyImagesToColumns(float* src, int imageChannels, int rows, int cols, int count, float* dst)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                Unsafe.CopyBlockUnaligned(dst + (long)r * count * cols + i * cols, src + ((long)i * imageChannels + r) * cols,
                    (uint)(cols * sizeof(float)));
    }
}
