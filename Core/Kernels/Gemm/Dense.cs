using MLNet.Cnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Cnn.Kernels;

/// <summary>
/// Fully connected layer, weight in PyTorch layout [Out, In]: output = input·weightᵀ + bias.
/// Every product is one <see cref="Gemm"/> call; a transposed operand is read through its strides, never
/// copied. Outputs are caller-provided and overwritten (gradients are not accumulated).
/// <see cref="DenseReference"/> is the specification.
/// </summary>
internal static unsafe class Dense
{
    // input [N, In], weight [Out, In], bias [Out] or null -> output [N, Out]
    // output[n, o] = bias[o] + Σ_i input[n, i]·weight[o, i]
    public static void Forward(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (outFeatures, inFeatures) = Matrix(weight, nameof(weight));
        int batch = Matrix(input, nameof(input)).Rows;
        Require.Shape(input, new TensorShape(batch, inFeatures), nameof(input));
        Require.Shape(output, new TensorShape(batch, outFeatures), nameof(output));
        if (bias is not null) Require.Shape(bias, new TensorShape(outFeatures), nameof(bias));
        Require.Distinct(output, input, nameof(output), nameof(input));

        // With a bias, C starts as the bias broadcast over rows and the GEMM accumulates onto it.
        if (bias is not null)
            for (int n = 0; n < batch; n++) bias.Span.CopyTo(output.Span.Slice(n * outFeatures, outFeatures));
        // B(p, j) = weight[j, p]: row stride 1, column stride In.
        Gemm.Multiply(batch, outFeatures, inFeatures,
            input.Pointer, inFeatures, 1,
            weight.Pointer, 1, inFeatures,
            output.Pointer, outFeatures, accumulate: bias is not null);
    }

    // gradOutput [N, Out], weight [Out, In] -> gradInput [N, In]
    // gradInput[n, i] = Σ_o gradOutput[n, o]·weight[o, i]
    public static void BackwardData(Tensor gradOutput, Tensor weight, Tensor gradInput)
    {
        var (outFeatures, inFeatures) = Matrix(weight, nameof(weight));
        int batch = Matrix(gradOutput, nameof(gradOutput)).Rows;
        Require.Shape(gradOutput, new TensorShape(batch, outFeatures), nameof(gradOutput));
        Require.Shape(gradInput, new TensorShape(batch, inFeatures), nameof(gradInput));
        Require.Distinct(gradInput, gradOutput, nameof(gradInput), nameof(gradOutput));
        Gemm.Multiply(batch, inFeatures, outFeatures,
            gradOutput.Pointer, outFeatures, 1,
            weight.Pointer, inFeatures, 1,
            gradInput.Pointer, inFeatures, accumulate: false);
    }

    // input [N, In], gradOutput [N, Out] -> gradWeight [Out, In], gradBias [Out] or null
    // gradWeight[o, i] = Σ_n gradOutput[n, o]·input[n, i];  gradBias[o] = Σ_n gradOutput[n, o]
    public static void BackwardWeights(Tensor input, Tensor gradOutput, Tensor gradWeight, Tensor? gradBias)
    {
        var (batch, inFeatures) = Matrix(input, nameof(input));
        int outFeatures = Matrix(gradOutput, nameof(gradOutput)).Cols;
        Require.Shape(gradOutput, new TensorShape(batch, outFeatures), nameof(gradOutput));
        Require.Shape(gradWeight, new TensorShape(outFeatures, inFeatures), nameof(gradWeight));
        if (gradBias is not null) Require.Shape(gradBias, new TensorShape(outFeatures), nameof(gradBias));

        // A(o, n) = gradOutput[n, o]: row stride 1, column stride Out.
        Gemm.Multiply(outFeatures, inFeatures, batch,
            gradOutput.Pointer, 1, outFeatures,
            input.Pointer, inFeatures, 1,
            gradWeight.Pointer, inFeatures, accumulate: false);

        if (gradBias is null) return;
        var sums = gradBias.Span;
        gradOutput.Span[..outFeatures].CopyTo(sums);
        for (int n = 1; n < batch; n++)
            TensorPrimitives.Add(sums, gradOutput.Span.Slice(n * outFeatures, outFeatures), sums);
    }

    /// <summary>Checks that <paramref name="tensor"/> is a matrix and returns its dimensions.</summary>
    private static (int Rows, int Cols) Matrix(Tensor tensor, string name)
    {
        Require.Rank(tensor, 2, name);
        return (tensor.Shape[0], tensor.Shape[1]);
    }
}
