namespace MLNet.Cnn.Onnx;

/// <summary>An input of a join (an element-wise op, Concat, MatMul): a float value the graph computes, or a constant's values and dims.</summary>
internal sealed record OnnxOperand(string? Computed, float[] Constant, int[] ConstantDims)
{
    public static OnnxOperand Of(string computed) => new(computed, [], []);

    public static OnnxOperand Of(float[] values, int[] dims) => new(null, values, dims);

    /// <summary>The computed inputs among <paramref name="operands"/>, which the step reads from the pass's values.</summary>
    public static string[] ComputedOf(IEnumerable<OnnxOperand> operands) => operands.Where(o => o.Computed is not null).Select(o => o.Computed!).ToArray();
}
