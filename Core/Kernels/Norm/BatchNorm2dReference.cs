using System.Numerics;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// The specification of <see cref="BatchNorm2d"/>. Per channel c, over the M = N·H·W values x of that channel:
///   training:  μ = Σx / M, σ² = Σ(x − μ)² / M (biased), y = γ·(x − μ)/√(σ² + ε) + β;
///              running mean ← (1 − momentum)·running mean + momentum·μ,
///              running var  ← (1 − momentum)·running var + momentum·σ²·M/(M − 1) (unbiased), as PyTorch does.
///   inference: y = γ·(x − running mean)/√(running var + ε) + β.
/// The training backward is the textbook chain rule through μ and σ² (Ioffe &amp; Szegedy 2015, Algorithm 1).
/// </summary>
internal static class BatchNorm2dReference
{
    // input [N, C, H, W]; gamma, beta [C]; runningMean, runningVar [C] (updated); saveMean, saveInvStd [C]
    // (written: μ and 1/√(σ² + ε), for the backward) → output [N, C, H, W]
    public static void ForwardTraining<T>(TensorShape shape, ReadOnlySpan<T> input, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> beta, Span<T> runningMean, Span<T> runningVar, T momentum, T epsilon, Span<T> output,
        Span<T> saveMean, Span<T> saveInvStd) where T : IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked(shape[0] * shape[2] * shape[3]);
        for (int c = 0; c < shape[1]; c++)
        {
            T sum = T.Zero;
            foreach (int i in Channel(shape, c)) sum += input[i];
            T mean = sum / m;
            T squares = T.Zero;
            foreach (int i in Channel(shape, c)) squares += (input[i] - mean) * (input[i] - mean);
            T invStd = T.One / T.Sqrt(squares / m + epsilon);
            saveMean[c] = mean;
            saveInvStd[c] = invStd;
            runningMean[c] = (T.One - momentum) * runningMean[c] + momentum * mean;
            runningVar[c] = (T.One - momentum) * runningVar[c] + momentum * squares / (m - T.One);
            foreach (int i in Channel(shape, c)) output[i] = gamma[c] * (input[i] - mean) * invStd + beta[c];
        }
    }

    // input [N, C, H, W]; gamma, beta, runningMean, runningVar [C] → output [N, C, H, W]
    public static void ForwardInference<T>(TensorShape shape, ReadOnlySpan<T> input, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> beta, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T epsilon, Span<T> output)
        where T : IFloatingPointIeee754<T>
    {
        for (int c = 0; c < shape[1]; c++)
            foreach (int i in Channel(shape, c))
                output[i] = gamma[c] * (input[i] - runningMean[c]) / T.Sqrt(runningVar[c] + epsilon) + beta[c];
    }

    // input, gradOutput [N, C, H, W]; gamma, saveMean, saveInvStd [C] (from ForwardTraining)
    // → gradInput [N, C, H, W], gradGamma, gradBeta [C]
    public static void BackwardTraining<T>(TensorShape shape, ReadOnlySpan<T> input, ReadOnlySpan<T> gradOutput,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> saveMean, ReadOnlySpan<T> saveInvStd, Span<T> gradInput,
        Span<T> gradGamma, Span<T> gradBeta) where T : IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked(shape[0] * shape[2] * shape[3]), two = T.CreateChecked(2), half = T.CreateChecked(0.5);
        for (int c = 0; c < shape[1]; c++)
        {
            T mean = saveMean[c], invStd = saveInvStd[c];
            // x̂ = (x − μ)·invStd, y = γ·x̂ + β; dx̂ = dy·γ.
            T gradVar = T.Zero, gradMean = T.Zero, centeredSum = T.Zero;
            gradGamma[c] = T.Zero;
            gradBeta[c] = T.Zero;
            foreach (int i in Channel(shape, c))
            {
                T gradXHat = gradOutput[i] * gamma[c];
                gradVar += gradXHat * (input[i] - mean) * -half * invStd * invStd * invStd;
                gradMean += -gradXHat * invStd;
                centeredSum += input[i] - mean;
                gradGamma[c] += gradOutput[i] * (input[i] - mean) * invStd;
                gradBeta[c] += gradOutput[i];
            }
            gradMean += gradVar * -two * centeredSum / m;
            foreach (int i in Channel(shape, c))
                gradInput[i] = gradOutput[i] * gamma[c] * invStd + gradVar * two * (input[i] - mean) / m + gradMean / m;
        }
    }

    // input, gradOutput [N, C, H, W]; gamma, runningMean, runningVar [C] → gradInput [N, C, H, W], gradGamma, gradBeta [C]
    public static void BackwardInference<T>(TensorShape shape, ReadOnlySpan<T> input, ReadOnlySpan<T> gradOutput,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T epsilon,
        Span<T> gradInput, Span<T> gradGamma, Span<T> gradBeta) where T : IFloatingPointIeee754<T>
    {
        for (int c = 0; c < shape[1]; c++)
        {
            T invStd = T.One / T.Sqrt(runningVar[c] + epsilon);
            gradGamma[c] = T.Zero;
            gradBeta[c] = T.Zero;
            foreach (int i in Channel(shape, c))
            {
                gradInput[i] = gradOutput[i] * gamma[c] * invStd;
                gradGamma[c] += gradOutput[i] * (input[i] - runningMean[c]) * invStd;
                gradBeta[c] += gradOutput[i];
            }
        }
    }

    /// <summary>Indices of channel c's N·H·W values in an [N, C, H, W] tensor.</summary>
    private static IEnumerable<int> Channel(TensorShape shape, int c)
    {
        int planeSize = shape[2] * shape[3];
        for (int n = 0; n < shape[0]; n++)
            for (int i = 0; i < planeSize; i++)
                yield return (n * shape[1] + c) * planeSize + i;
    }
}
