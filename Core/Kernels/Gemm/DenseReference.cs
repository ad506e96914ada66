using System.Numerics;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Dense"/>: plain loops over row-major spans, weight [Out, In].
/// An empty <c>bias</c> / <c>gradBias</c> span means "no bias".
/// </summary>
internal static class DenseReference
{
    // input [N, In], weight [Out, In], bias [Out] or empty -> output [N, Out]
    public static void Forward<T>(int batch, int inFeatures, int outFeatures,
        ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> output)
        where T : IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outFeatures; o++)
            {
                T sum = bias.IsEmpty ? T.Zero : bias[o];
                for (int i = 0; i < inFeatures; i++)
                    sum += input[n * inFeatures + i] * weight[o * inFeatures + i];
                output[n * outFeatures + o] = sum;
            }
    }

    // gradOutput [N, Out], weight [Out, In] -> gradInput [N, In]
    public static void BackwardData<T>(int batch, int inFeatures, int outFeatures,
        ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> weight, Span<T> gradInput)
        where T : IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
            for (int i = 0; i < inFeatures; i++)
            {
                T sum = T.Zero;
                for (int o = 0; o < outFeatures; o++)
                    sum += gradOutput[n * outFeatures + o] * weight[o * inFeatures + i];
                gradInput[n * inFeatures + i] = sum;
            }
    }

    // input [N, In], gradOutput [N, Out] -> gradWeight [Out, In], gradBias [Out] or empty
    public static void BackwardWeights<T>(int batch, int inFeatures, int outFeatures,
        ReadOnlySpan<T> input, ReadOnlySpan<T> gradOutput, Span<T> gradWeight, Span<T> gradBias)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outFeatures; o++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                T sum = T.Zero;
                for (int n = 0; n < batch; n++)
                    sum += gradOutput[n * outFeatures + o] * input[n * inFeatures + i];
                gradWeight[o * inFeatures + i] = sum;
            }
            if (!gradBias.IsEmpty)
            {
                T sum = T.Zero;
                for (int n = 0; n < batch; n++) sum += gradOutput[n * outFeatures + o];
                gradBias[o] = sum;
            }
        }
    }
}
