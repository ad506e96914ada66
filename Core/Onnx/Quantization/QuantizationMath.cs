namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>
/// The affine int8 mapping of ONNX's QuantizeLinear / DequantizeLinear: q = clamp(round_half_even(x / scale) + zero_point),
/// x ≈ (q − zero_point) · scale. Activations are uint8 and asymmetric over their calibrated range (widened to hold 0, so
/// zero padding is exact); weights are int8, symmetric (zero point 0) over [−127, 127], one scale per output channel; biases
/// are int32 with scale = input scale · weight scale, so a quantized convolution adds them to its int32 accumulator as they are.
/// </summary>
internal static class QuantizationMath
{
    /// <summary>Scale and uint8 zero point for values in [min, max]; a range of one point gets scale 1.</summary>
    public static (float Scale, byte ZeroPoint) Activation(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"Calibrated range [{min}, {max}] is not a finite interval.");
        double low = Math.Min(min, 0), high = Math.Max(max, 0);
        if (high == low) return (1f, 0);
        float scale = (float)((high - low) / 255.0);
        double zero = Math.Round(-low / scale, MidpointRounding.ToEven);
        return (scale, (byte)Math.Clamp(zero, 0, 255));
    }

    /// <summary>
    /// Per-channel symmetric int8 weights: <paramref name="weights"/> is [channels along <paramref name="axis"/> of
    /// <paramref name="dims"/>]; returns the int8 values (same layout) in [−<paramref name="limit"/>, <paramref name="limit"/>]
    /// and one scale per channel (max |w| / limit; 1 for an all-zero channel). The limit is 127, or 63 for a 7-bit range.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) PerChannelWeights(ReadOnlySpan<float> weights, IReadOnlyList<long> dims, int axis, int limit = 127)
    {
        // Layout [outer, channels, inner]: channel c of element i is (i / inner) % channels.
        long channels = dims[axis], inner = 1;
        for (int d = axis + 1; d < dims.Count; d++) inner *= dims[d];
        var scales = new float[channels];
        for (int i = 0; i < weights.Length; i++)
        {
            long c = i / inner % channels;
            scales[c] = Math.Max(scales[c], Math.Abs(weights[i]));
        }
        for (int c = 0; c < channels; c++) scales[c] = scales[c] == 0 ? 1f : scales[c] / limit;
        var values = new sbyte[weights.Length];
        for (int i = 0; i < weights.Length; i++)
            values[i] = (sbyte)Math.Clamp(Math.Round(weights[i] / scales[i / inner % channels], MidpointRounding.ToEven), -limit, limit);
        return (values, scales);
    }

    /// <summary>int32 biases for one input scale and the per-channel weight scales: round(b[c] / (inputScale · weightScale[c])).</summary>
    public static (int[] Values, float[] Scales) Biases(ReadOnlySpan<float> biases, float inputScale, ReadOnlySpan<float> weightScales)
    {
        var values = new int[biases.Length];
        var scales = new float[biases.Length];
        for (int c = 0; c < biases.Length; c++)
        {
            scales[c] = inputScale * weightScales[weightScales.Length == 1 ? 0 : c];
            values[c] = (int)Math.Clamp(Math.Round(biases[c] / (double)scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }
        return (values, scales);
    }
}
