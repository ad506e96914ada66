namespace MLNet.Cnn.Visualization;

/// <summary>A map from a value t in [0, 1] to a color, low (blue) to high (red), for heat maps.</summary>
public enum Colormap
{
    /// <summary>
    /// MATLAB's jet, as Grad-CAM's papers and most tools draw it: red = 1.5 − |4t − 3|, green = 1.5 − |4t − 2|,
    /// blue = 1.5 − |4t − 1|, each clamped to [0, 1]. Dark blue (0, 0, 128) at 0, cyan, (128, 255, 128) at 0.5, yellow,
    /// dark red (128, 0, 0) at 1.
    /// </summary>
    Jet,

    /// <summary>
    /// Google's Turbo (Mikhailov, 2019), a rainbow map with smoother lightness than jet, by its published degree-5
    /// polynomial approximation: (35, 23, 27) at 0 (dark blue-violet) to (144, 13, 0) at 1 (dark red).
    /// </summary>
    Turbo,
}

/// <summary>The colors of a <see cref="Colormap"/>.</summary>
public static class Colormaps
{
    // Turbo's polynomial approximation: channel = Σ_k c_k · t^k, k = 0…5 (coefficients from its authors' publication).
    private static readonly double[] TurboRed = [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
    private static readonly double[] TurboGreen = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
    private static readonly double[] TurboBlue = [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

    /// <summary>The color of <paramref name="t"/> (clamped to [0, 1]), each channel rounded to a byte as round(255 · c).</summary>
    /// <exception cref="ArgumentException"><paramref name="t"/> is NaN.</exception>
    public static Rgb Color(this Colormap colormap, double t)
    {
        if (double.IsNaN(t)) throw new ArgumentException("A colormap takes a number in [0, 1]; got NaN.", nameof(t));
        t = Math.Clamp(t, 0, 1);
        return colormap switch
        {
            Colormap.Jet => Bytes(JetChannel(t, 3), JetChannel(t, 2), JetChannel(t, 1)),
            Colormap.Turbo => Bytes(Polynomial(TurboRed, t), Polynomial(TurboGreen, t), Polynomial(TurboBlue, t)),
            _ => throw new ArgumentOutOfRangeException(nameof(colormap), colormap, "Unknown colormap."),
        };
    }

    /// <summary>Jet's channel peaking at t = <paramref name="peak"/> / 4: 1.5 − |4t − peak| (clamped by <see cref="Bytes"/>).</summary>
    private static double JetChannel(double t, int peak) => 1.5 - Math.Abs(4 * t - peak);

    /// <summary>Σ_k coefficients[k] · t^k, by Horner's rule.</summary>
    private static double Polynomial(double[] coefficients, double t)
    {
        double sum = 0;
        for (int k = coefficients.Length - 1; k >= 0; k--) sum = sum * t + coefficients[k];
        return sum;
    }

    private static Rgb Bytes(double red, double green, double blue) =>
        new(ValueRange.UnitToByte(red), ValueRange.UnitToByte(green), ValueRange.UnitToByte(blue));
}
