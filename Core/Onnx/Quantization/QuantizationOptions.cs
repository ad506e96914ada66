namespace MLNet.Cnn.Onnx.Quantization;

/// <summary>How <see cref="Int8Quantizer"/> chooses activation ranges from the calibration images.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen (onnxruntime.quantization's default): nothing saturates on the calibration set.</summary>
    MinMax,

    /// <summary>
    /// The <see cref="QuantizationOptions.Percentile"/> of the values seen, from a histogram: rare outliers saturate so the
    /// common values get a finer step.
    /// </summary>
    Percentile,
}

/// <summary>Settings of post-training int8 quantization.</summary>
public sealed record QuantizationOptions
{
    /// <summary>How activation ranges are taken from the calibration images; default <see cref="CalibrationMethod.MinMax"/>.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the share of values (in percent) each range must hold, from each end.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>One weight scale per output channel (true, the usual choice for convolutions) or one per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>
    /// Weights in 7 bits ([−63, 63]) instead of 8. ONNX Runtime's uint8 × int8 kernel on x64 CPUs with AVX2 but without
    /// AVX-512 VNNI / AVX-VNNI adds pairs of products in 16 bits, which can saturate with full-range weights; a 7-bit
    /// range cannot (onnxruntime.quantization's reduce_range). Not needed on ARM or on VNNI CPUs; costs a little accuracy.
    /// Default: true where the CPU quantizing lacks VNNI (<see cref="Tensors.CpuFacts.HasInt8DotProduct"/>), so the model
    /// scores right on the machine that made it; set it for the CPU that will run the model when that is another.
    /// </summary>
    public bool ReduceRange { get; init; } = !Tensors.CpuFacts.HasInt8DotProduct;

    /// <summary>Images per calibration run of ONNX Runtime.</summary>
    public int CalibrationBatchSize { get; init; } = 32;

    /// <summary>Names of ONNX nodes to leave in float (e.g. a sensitive first convolution).</summary>
    public IReadOnlyCollection<string> ExcludedNodes { get; init; } = [];

    internal void Validate()
    {
        if (Calibration == CalibrationMethod.Percentile && Percentile is not (> 50 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "Percentile must be in (50, 100].");
        if (CalibrationBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(CalibrationBatchSize), CalibrationBatchSize, "CalibrationBatchSize must be at least 1.");
        ArgumentNullException.ThrowIfNull(ExcludedNodes);
    }
}
