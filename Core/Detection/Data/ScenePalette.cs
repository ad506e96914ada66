namespace MLNet.Cnn.Detection;

/// <summary>
/// The colors of one scene: a background, and for each object a color whose mean level differs from the background's by at
/// least <see cref="SceneOptions.MinContrast"/>; clutter differs from the background by at most
/// <see cref="SceneOptions.ClutterContrast"/> per channel. Gray scenes have one channel, color scenes three.
/// </summary>
internal sealed class ScenePalette
{
    private readonly Random _random;
    private readonly int _channels;
    private readonly double _minContrast, _clutterContrast;

    public ScenePalette(Random random, SceneOptions options)
    {
        _random = random;
        _channels = options.Channels;
        _minContrast = options.MinContrast;
        _clutterContrast = options.ClutterContrast;
        Background = new float[_channels];
        for (int c = 0; c < _channels; c++) Background[c] = (float)random.NextDouble();
    }

    public float[] Background { get; }

    private double BackgroundLevel => Background.Average();

    /// <summary>
    /// An object's color: its mean level m is uniform over [0, 1] less the band (b − MinContrast, b + MinContrast) around the
    /// background's level b; color channels scatter around m by up to ±0.3 and are shifted back (and clamped) so that the
    /// mean stays m where the clamping allows, and the level contrast then stays at least MinContrast.
    /// </summary>
    public float[] ObjectColor()
    {
        double b = BackgroundLevel, c = _minContrast;
        double below = Math.Max(0, b - c), above = Math.Max(0, 1 - (b + c));
        double m;
        if (below + above == 0) m = b < 0.5 ? 1 : 0; // MinContrast 0.5 on a mid-gray background: only black or white
        else
        {
            double u = _random.NextDouble() * (below + above);
            m = u < below ? u : b + c + (u - below);
        }
        var color = new float[_channels];
        if (_channels == 1) { color[0] = (float)m; return color; }
        Span<double> offsets = stackalloc double[_channels];
        for (int k = 0; k < _channels; k++) offsets[k] = (_random.NextDouble() * 2 - 1) * 0.3;
        double mean = (offsets[0] + offsets[1] + offsets[2]) / 3;
        for (int k = 0; k < _channels; k++) color[k] = (float)Math.Clamp(m + offsets[k] - mean, 0, 1);
        return EnsureContrast(color, b, c);
    }

    /// <summary>Clamping can pull the mean towards the background; if it did, fall back to the gray of level m.</summary>
    private static float[] EnsureContrast(float[] color, double background, double contrast)
    {
        double mean = color.Average(v => (double)v);
        if (Math.Abs(mean - background) >= contrast) return color;
        float level = (float)(mean > background ? Math.Min(1, background + contrast) : Math.Max(0, background - contrast));
        Array.Fill(color, level);
        return color;
    }

    /// <summary>A clutter color: the background plus a uniform offset in ±ClutterContrast per channel, clamped.</summary>
    public float[] ClutterColor()
    {
        var color = new float[_channels];
        for (int k = 0; k < _channels; k++)
            color[k] = (float)Math.Clamp(Background[k] + (_random.NextDouble() * 2 - 1) * _clutterContrast, 0, 1);
        return color;
    }
}
