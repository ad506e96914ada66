using MLNet.Cnn.Explain;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// A Grad-CAM heat map over the image it explains. The heat map (float[rows, columns], values in [0, 1], any resolution,
/// usually the last convolution's) is resized bilinearly to the image with half-pixel centres, each value is turned into
/// a color by <see cref="GradCamOptions.Colormap"/> (jet by default), and each pixel is the blend
/// round((1 − α) · image + α · color) of the bytes, channel by channel, with α = <see cref="GradCamOptions.Alpha"/>
/// (0.5 by default). The result is enlarged by nearest neighbour towards <see cref="PictureOptions.TargetSize"/>
/// (224 pixels by default, so a 28×28 image is shown 8 times larger); <see cref="GradCamOptions.SideBySide"/> puts the
/// image left of the overlay.
/// </summary>
public static class GradCamOverlay
{
    /// <summary>The overlay on an image tensor [C, H, W] (or [1, C, H, W]), C = 1 or 3, values in [0, 1].</summary>
    /// <exception cref="ArgumentException">A bad image tensor, or a heat map that is empty or holds a value outside [0, 1] or NaN.</exception>
    public static RgbImage Render(Tensor image, float[,] heat, GradCamOptions? options = null) =>
        Render(RgbImage.FromTensor(image, nameof(image)), heat, options);

    /// <summary>The overlay on the image file at <paramref name="imagePath"/>, decoded by SkiaSharp.</summary>
    /// <exception cref="FileNotFoundException">No file there.</exception>
    /// <exception cref="InvalidDataException">Not an image SkiaSharp decodes.</exception>
    public static RgbImage Render(string imagePath, float[,] heat, GradCamOptions? options = null) =>
        Render(RgbImage.Load(imagePath), heat, options);

    /// <summary>The overlay on <paramref name="image"/>.</summary>
    public static RgbImage Render(RgbImage image, float[,] heat, GradCamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        HeatMap.Check(heat, nameof(heat));
        options ??= new();
        options.Check();
        var overlay = Blend(image, HeatMap.Resize(heat, image.Height, image.Width), options.Colormap, options.Alpha);
        int zoom = GridLayout.Zoom(Math.Max(image.Width, image.Height), options.TargetSize);
        return options.SideBySide
            ? TileGrid.Compose([image.Enlarge(zoom), overlay.Enlarge(zoom)], columns: 2, options.Gap)
            : overlay.Enlarge(zoom);
    }

    /// <summary>
    /// The overlay of a Grad-CAM explanation (<see cref="GradCam.Compute"/>) on the image it explains, a tensor [C, H, W]
    /// with values in [0, 1] (before the model's normalization): its map [h, w] divided by its maximum.
    /// </summary>
    public static RgbImage Render(Tensor image, GradCamResult explanation, GradCamOptions? options = null) =>
        Render(RgbImage.FromTensor(image, nameof(image)), explanation, options);

    /// <summary>
    /// The overlay of a Grad-CAM explanation on the image file it was computed from, at the file's own resolution: the map
    /// [h, w] divided by its maximum is resized to the picture, not the model's input size, so a photo keeps its detail.
    /// </summary>
    public static RgbImage Render(string imagePath, GradCamResult explanation, GradCamOptions? options = null) =>
        Render(RgbImage.Load(imagePath), explanation, options);

    /// <summary>The overlay of a Grad-CAM explanation on <paramref name="image"/> (its map divided by its maximum).</summary>
    public static RgbImage Render(RgbImage image, GradCamResult explanation, GradCamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return Render(image, HeatMap.Normalized(explanation.Map), options);
    }

    /// <summary>Each pixel of <paramref name="image"/> blended with the color of its heat value (heat at the image's size, [H, W]).</summary>
    internal static RgbImage Blend(RgbImage image, float[,] heat, Colormap colormap, double alpha)
    {
        var blended = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                Rgb pixel = image[x, y], color = colormap.Color(heat[y, x]);
                blended[x, y] = new Rgb(Mix(pixel.R, color.R, alpha), Mix(pixel.G, color.G, alpha), Mix(pixel.B, color.B, alpha));
            }
        return blended;
    }

    /// <summary>round((1 − α) · a + α · b), halves away from zero.</summary>
    private static byte Mix(byte a, byte b, double alpha) => (byte)Math.Round((1 - alpha) * a + alpha * b, MidpointRounding.AwayFromZero);
}

/// <summary>Options of <see cref="GradCamOverlay"/>: jet at α = 0.5, enlarged towards 224 pixels, 4 pixels between image and overlay.</summary>
public sealed class GradCamOptions() : PictureOptions(targetSize: 224, gap: 4)
{
    /// <summary>The heat map's colors (default <see cref="Visualization.Colormap.Jet"/>).</summary>
    public Colormap Colormap { get; init; } = Colormap.Jet;

    /// <summary>The weight α of the heat color in each pixel, in [0, 1]: 0 shows the image only, 1 the heat map only (default 0.5).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Draw the image, then the overlay, side by side (default false: the overlay alone).</summary>
    public bool SideBySide { get; init; }

    internal override void Check()
    {
        base.Check();
        if (!(Alpha >= 0 && Alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha must be in [0, 1].");
        if (!Enum.IsDefined(Colormap)) throw new ArgumentOutOfRangeException(nameof(Colormap), Colormap, "Unknown colormap.");
    }
}
