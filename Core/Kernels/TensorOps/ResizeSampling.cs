namespace MLNet.Cnn.Kernels;

/// <summary>How <see cref="Resize"/> interpolates along each axis (ONNX Resize's mode).</summary>
public enum ResizeMode
{
    /// <summary>One source pixel per output pixel, chosen by <see cref="NearestRounding"/>.</summary>
    Nearest,
    /// <summary>The two source pixels around the source coordinate, weighted 1 − r and r.</summary>
    Linear,
    /// <summary>The four source pixels around the source coordinate, weighted by Keys' cubic kernel with coefficient A.</summary>
    Cubic,
}

/// <summary>Where output index i falls in the input (ONNX Resize's coordinate_transformation_mode); scale = out/in.</summary>
public enum ResizeCoordinates
{
    /// <summary>x = (i + ½)/scale − ½ (PyTorch's align_corners = false, OpenCV).</summary>
    HalfPixel,
    /// <summary>As <see cref="HalfPixel"/>, but x = 0 for an output side of 1.</summary>
    PytorchHalfPixel,
    /// <summary>x = i·(in − 1)/(in·scale − 1), the corners on each other (0 for an output side of 1).</summary>
    AlignCorners,
    /// <summary>x = i/scale.</summary>
    Asymmetric,
    /// <summary>
    /// TensorFlow 1's crop_and_resize: the output spans the region of interest [start, end] (fractions of the input, from
    /// <see cref="ResizeSampling.Crop"/>), x = start·(in − 1) + i·(end − start)·(in − 1)/(out − 1), the middle of the region
    /// for an output side of 1; an x outside [0, in − 1] gives the crop's extrapolation value.
    /// </summary>
    TfCropAndResize,
}

/// <summary>
/// The region of interest of <see cref="ResizeCoordinates.TfCropAndResize"/>: per spatial axis, its start and end as
/// fractions of the input's extent (0 … 1, outside allowed), and the value of an output whose source lies outside the input.
/// </summary>
public sealed record ResizeCrop(IReadOnlyList<(double Start, double End)> Roi, float ExtrapolationValue = 0f)
{
    /// <summary>Equal when the regions hold the same (start, end) pairs and the extrapolation values are equal.</summary>
    public bool Equals(ResizeCrop? other) => other is not null && Roi.SequenceEqual(other.Roi) && ExtrapolationValue.Equals(other.ExtrapolationValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Roi.Count, ExtrapolationValue);
}

/// <summary>Which source index <see cref="ResizeMode.Nearest"/> takes for source coordinate x (ONNX Resize's nearest_mode).</summary>
public enum NearestRounding
{
    /// <summary>Round half down: ⌈x − ½⌉.</summary>
    RoundPreferFloor,
    /// <summary>Round half up: ⌊x + ½⌋.</summary>
    RoundPreferCeil,
    /// <summary>Round down: ⌊x⌋.</summary>
    Floor,
    /// <summary>Round up: ⌈x⌉.</summary>
    Ceil,
}

/// <summary>
/// The interpolation of a <see cref="Resize"/> (ONNX Resize's attributes): <paramref name="Mode"/>, <paramref name="Coordinates"/>,
/// <paramref name="Rounding"/> (nearest only), <paramref name="CubicA"/> and <paramref name="ExcludeOutside"/> (cubic only:
/// taps outside the input get weight 0 and the others are scaled to sum to 1; otherwise they read the edge pixel), and the
/// <paramref name="Crop"/> of <see cref="ResizeCoordinates.TfCropAndResize"/> (required by that mode, null otherwise).
/// </summary>
public sealed record ResizeSampling(ResizeMode Mode, ResizeCoordinates Coordinates, NearestRounding Rounding = NearestRounding.RoundPreferFloor,
    float CubicA = -0.75f, bool ExcludeOutside = false, ResizeCrop? Crop = null)
{
    /// <summary>Taps per output index: 1, 2 or 4.</summary>
    public int TapCount => Mode switch { ResizeMode.Nearest => 1, ResizeMode.Linear => 2, _ => 4 };
}
