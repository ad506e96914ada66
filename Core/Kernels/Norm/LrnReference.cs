using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="Lrn"/>, local response normalization across channels (AlexNet; ONNX LRN):
///   b_c = a_c / s_c^β,  s_c = k + α/size · Σ_{c' ∈ W(c)} a_{c'}²,
///   W(c) = [c − ⌊(size − 1)/2⌋, c + ⌈(size − 1)/2⌉] ∩ [0, C)  (channels past the edges count as zero).
/// For odd sizes this is also PyTorch's LocalResponseNorm; for even sizes PyTorch's window sits one channel lower.
/// </summary>
internal static class LrnReference
{
    // input [N, C, H, W] → output [N, C, H, W]
    public static void Forward<T>(TensorShape shape, int size, T alpha, T beta, T k, ReadOnlySpan<T> input,
        Span<T> output) where T : IFloatingPointIeee754<T>
    {
        int channels = shape[1], planeSize = shape[2] * shape[3];
        for (int n = 0; n < shape[0]; n++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < planeSize; i++)
                {
                    int at = (n * channels + c) * planeSize + i;
                    output[at] = input[at] / T.Pow(Base(shape, size, alpha, k, input, n, c, i), beta);
                }
    }

    // input, gradOutput [N, C, H, W] → gradInput [N, C, H, W], from
    //   ∂b_c/∂a_j = [j = c]·s_c^(−β) − (2αβ/size)·a_c·a_j·s_c^(−β−1)  for j ∈ W(c).
    public static void Backward<T>(TensorShape shape, int size, T alpha, T beta, T k, ReadOnlySpan<T> input,
        ReadOnlySpan<T> gradOutput, Span<T> gradInput) where T : IFloatingPointIeee754<T>
    {
        int channels = shape[1], planeSize = shape[2] * shape[3];
        T coefficient = T.CreateChecked(2) * alpha * beta / T.CreateChecked(size);
        gradInput.Clear();
        for (int n = 0; n < shape[0]; n++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < planeSize; i++)
                {
                    int at = (n * channels + c) * planeSize + i;
                    T s = Base(shape, size, alpha, k, input, n, c, i);
                    gradInput[at] += gradOutput[at] * T.Pow(s, -beta);
                    var (first, last) = Window(c, size, channels);
                    for (int j = first; j <= last; j++)
                    {
                        int atJ = (n * channels + j) * planeSize + i;
                        gradInput[atJ] -= gradOutput[at] * coefficient * input[at] * input[atJ] * T.Pow(s, -beta - T.One);
                    }
                }
    }

    private static (int First, int Last) Window(int c, int size, int channels) =>
        (Math.Max(0, c - (size - 1) / 2), Math.Min(channels - 1, c + size / 2));

    /// <summary>s_c = k + α/size · Σ_{c' ∈ W(c)} a_{c'}² at batch item n, spatial index i.</summary>
    private static T Base<T>(TensorShape shape, int size, T alpha, T k, ReadOnlySpan<T> input, int n, int c, int i)
        where T : IFloatingPointIeee754<T>
    {
        int channels = shape[1], planeSize = shape[2] * shape[3];
        T sum = T.Zero;
        var (first, last) = Window(c, size, channels);
        for (int j = first; j <= last; j++)
        {
            T a = input[(n * channels + j) * planeSize + i];
            sum += a * a;
        }
        return k + alpha / T.CreateChecked(size) * sum;
    }
}
