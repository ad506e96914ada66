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
}

/// <summary>Which source index <see cref="ResizeMode.Nearest"/> takes for source coordinate x (ONNX Resize's nearest_mode).</summary>
public enum NearestRounding
{
    /// <summary>Round half down: ⌈x − ½⌉.</summary>
    RoundPreferFloor,
    /// <summary>Round half up: ⌊x + ½⌋.</summary>
    RoundPreferCeil,
    Floor,
    Ceil,
}

/// <summary>
/// The interpolation of a <see cref="Resize"/> (ONNX Resize's attributes): <paramref name="Mode"/>, <paramref name="Coordinates"/>,
/// <paramref name="Rounding"/> (nearest only), <paramref name="CubicA"/> and <paramref name="ExcludeOutside"/> (cubic only:
/// taps outside the input get weight 0 and the others are scaled to sum to 1; otherwise they read the edge pixel).
/// </summary>
public sealed record ResizeSampling(ResizeMode Mode, ResizeCoordinates Coordinates, NearestRounding Rounding = NearestRounding.RoundPreferFloor,
    float CubicA = -0.75f, bool ExcludeOutside = false)
{
    /// <summary>Taps per output index: 1, 2 or 4.</summary>
    public int TapCount => Mode switch { ResizeMode.Nearest => 1, ResizeMode.Linear => 2, _ => 4 };
}
