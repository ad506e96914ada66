namespace MLNet.Cnn.Kernels;

/// <summary>
/// The source indices and weights of every output index along one axis of a <see cref="Resize"/>, from in to out values
/// with the axis' scale (<see cref="ScaleOf"/>); computed in double, as ONNX's reference does. With r = x − i0 ∈ (0, 1] and
/// i0 = ⌈x⌉ − 1, x the source coordinate of <see cref="ResizeCoordinates"/>:
///   nearest: one tap at x rounded by <see cref="NearestRounding"/>, weight 1;
///   linear:  i0, i0 + 1 with weights 1 − r, r;
///   cubic:   i0 − 1 … i0 + 2 with Keys' weights W(1 + r), W(r), W(1 − r), W(2 − r), where for d = |distance|
///            W(d) = (A + 2)d³ − (A + 3)d² + 1 for d ≤ 1 and A·d³ − 5A·d² + 8A·d − 4A for 1 &lt; d &lt; 2.
/// An index outside [0, in) reads the edge (it is clamped), unless ExcludeOutside drops it. With
/// <see cref="ResizeCoordinates.TfCropAndResize"/>, an output whose x lies outside [0, in − 1] has no taps (weights 0)
/// and takes <see cref="OutsideValue"/>, as TensorFlow's crop_and_resize extrapolates.
/// </summary>
internal sealed class ResizeTaps
{
    private ResizeTaps(int inSize, int outSize, int count, int[] index, float[] weight, bool[]? outside, float outsideValue)
    {
        (InSize, OutSize, Count, Index, Weight, Outside, OutsideValue) = (inSize, outSize, count, index, weight, outside, outsideValue);
    }

    public int InSize { get; }
    public int OutSize { get; }

    /// <summary>Taps per output index.</summary>
    public int Count { get; }

    /// <summary>[OutSize, Count]: the source index of each tap, in [0, InSize).</summary>
    public int[] Index { get; }

    /// <summary>[OutSize, Count]: the weight of each tap.</summary>
    public float[] Weight { get; }

    /// <summary>[OutSize]: whether the output index lies outside the input (<see cref="ResizeCoordinates.TfCropAndResize"/> only; null otherwise).</summary>
    public bool[]? Outside { get; }

    /// <summary>The value of an output index that lies outside the input.</summary>
    public float OutsideValue { get; }

    /// <summary>The scale of an axis resized from <paramref name="inSize"/> to <paramref name="outSize"/> values (ONNX's, given sizes).</summary>
    public static double ScaleOf(int inSize, int outSize) => (double)outSize / inSize;

    /// <summary>The output length of an axis of <paramref name="inSize"/> values scaled by <paramref name="scale"/>: ⌊in·scale⌋.</summary>
    public static int SizeOf(int inSize, double scale) => (int)Math.Floor(inSize * scale);

    /// <summary>
    /// The taps of spatial axis <paramref name="axis"/> from <paramref name="inSize"/> to <paramref name="outSize"/> values at
    /// <paramref name="scale"/> (out/in, or the file's scale).
    /// </summary>
    public static ResizeTaps For(int inSize, int outSize, double scale, ResizeSampling sampling, int axis = 0)
    {
        int count = sampling.TapCount;
        var index = new int[outSize * count];
        var weight = new float[outSize * count];
        var roi = sampling.Coordinates == ResizeCoordinates.TfCropAndResize
            ? sampling.Crop?.Roi[axis] ?? throw new ArgumentException("tf_crop_and_resize needs the region of interest of a ResizeCrop.", nameof(sampling))
            : default;
        var outside = sampling.Coordinates == ResizeCoordinates.TfCropAndResize ? new bool[outSize] : null;
        Span<double> w = stackalloc double[count];
        for (int i = 0; i < outSize; i++)
        {
            double x = Source(i, inSize, outSize, scale, sampling.Coordinates, roi);
            if (outside is not null && (x < 0 || x > inSize - 1))
            {
                outside[i] = true; // no taps: weight 0 at index 0
                continue;
            }
            int first = Weights(x, sampling, w);
            if (sampling.ExcludeOutside && count > 1) KeepInside(first, inSize, w);
            for (int t = 0; t < count; t++)
            {
                index[i * count + t] = Math.Clamp(first + t, 0, inSize - 1);
                weight[i * count + t] = (float)w[t];
            }
        }
        return new ResizeTaps(inSize, outSize, count, index, weight, outside, sampling.Crop?.ExtrapolationValue ?? 0f);
    }

    /// <summary>The source coordinate x of output index <paramref name="i"/> (in the input's index units); <paramref name="roi"/> for tf_crop_and_resize.</summary>
    public static double Source(int i, int inSize, int outSize, double scale, ResizeCoordinates coordinates, (double Start, double End) roi = default) => coordinates switch
    {
        ResizeCoordinates.TfCropAndResize => outSize > 1
            ? roi.Start * (inSize - 1) + i * (roi.End - roi.Start) * (inSize - 1) / (outSize - 1)
            : 0.5 * (roi.Start + roi.End) * (inSize - 1),
        ResizeCoordinates.HalfPixel => (i + 0.5) / scale - 0.5,
        ResizeCoordinates.PytorchHalfPixel => outSize > 1 ? (i + 0.5) / scale - 0.5 : 0,
        // ONNX's reference takes the unrounded output length in·scale here (2.4 for 4 · 0.6).
        ResizeCoordinates.AlignCorners => outSize > 1 ? i * (inSize - 1.0) / (inSize * scale - 1) : 0,
        _ => i / scale,
    };

    /// <summary>Fills the weights of the taps around x; returns the index of the first tap (before clamping).</summary>
    private static int Weights(double x, ResizeSampling sampling, Span<double> w)
    {
        if (sampling.Mode == ResizeMode.Nearest)
        {
            w[0] = 1;
            return (int)(sampling.Rounding switch
            {
                NearestRounding.RoundPreferFloor => Math.Ceiling(x - 0.5),
                NearestRounding.RoundPreferCeil => Math.Floor(x + 0.5),
                NearestRounding.Floor => Math.Floor(x),
                _ => Math.Ceiling(x),
            });
        }
        int i0 = (int)Math.Ceiling(x) - 1;
        double r = x - i0; // (0, 1]: a whole x is the second tap, at weight 1
        if (sampling.Mode == ResizeMode.Linear)
        {
            (w[0], w[1]) = (1 - r, r);
            return i0;
        }
        double a = sampling.CubicA;
        (w[0], w[1], w[2], w[3]) = (Far(1 + r, a), Near(r, a), Near(1 - r, a), Far(2 - r, a));
        return i0 - 1;
    }

    // Keys' cubic kernel W(d) for d ≤ 1 and for 1 < d < 2.
    private static double Near(double d, double a) => ((a + 2) * d - (a + 3)) * d * d + 1;

    private static double Far(double d, double a) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;

    private static void KeepInside(int first, int inSize, Span<double> w)
    {
        double sum = 0;
        for (int t = 0; t < w.Length; t++)
        {
            if (first + t < 0 || first + t >= inSize) w[t] = 0;
            sum += w[t];
        }
        for (int t = 0; t < w.Length; t++) w[t] /= sum;
    }
}
