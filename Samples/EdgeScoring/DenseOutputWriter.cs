using System.Globalization;
using SkiaSharp;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// Prints (and with --draw, draws) the output of a detection or segmentation export, one image at a time. Detection: one
/// tab-separated line per object, "name, class, score, x0, y0, x1, y1" (pixels of the model's input), or "name, (no
/// objects)". Segmentation: "name" then each predicted class with its share of the pixels, largest first. The pictures
/// (DIR/&lt;name&gt;.png, zoomed so that labels are readable) are drawn by the samples' ScenePicture: boxes in their class's
/// color with class and score, or the class map (arg-max per pixel) over the image.
/// </summary>
internal sealed class DenseOutputWriter(Scorer scorer, TextWriter output, string? drawDirectory, float minScore)
{
    /// <summary>Pictures are drawn about this many pixels a side (a whole zoom of the model's input, at least 1).</summary>
    private const int PictureSide = 288;

    private ModelDescription Model => scorer.Model;

    public void Write(string name, SKBitmap image, ReadOnlySpan<float> values)
    {
        using var picture = drawDirectory is null ? null : new ScenePicture(image, Math.Max(1, PictureSide / Math.Max(Model.Width, Model.Height)));
        if (Model.Task == ModelTask.Detection) WriteObjects(name, values, picture);
        else WriteMask(name, values, picture);
        if (picture is null) return;
        Directory.CreateDirectory(drawDirectory!);
        picture.Save(Path.Combine(drawDirectory!, PictureName(name)));
    }

    /// <summary>"scene-0.png" for "scene-0.jpg" or "photos/scene-0.png"; "stdin.png" for standard input.</summary>
    public static string PictureName(string name) =>
        name == "<stdin>" ? "stdin.png" : Path.GetFileNameWithoutExtension(name) + ".png";

    private void WriteObjects(string name, ReadOnlySpan<float> grid, ScenePicture? picture)
    {
        var found = YoloGridDecoder.Decode(grid, Model.Detection!, Model.ClassNames.Count, scorer.GridRows, scorer.GridColumns, minScore);
        if (found.Length == 0) output.WriteLine($"{name}\t(no objects)");
        foreach (var o in found)
            output.WriteLine(string.Join('\t', name, Model.ClassNames[o.ClassId], Number(o.Score, "F4"),
                Number(o.X0, "F1"), Number(o.Y0, "F1"), Number(o.X1, "F1"), Number(o.Y1, "F1")));
        foreach (var o in found.Reverse())   // the best on top
            picture?.DrawPrediction(new PictureBox(o.X0, o.Y0, o.X1, o.Y1, o.ClassId, o.Score), Model.ClassNames);
    }

    private void WriteMask(string name, ReadOnlySpan<float> logits, ScenePicture? picture)
    {
        int classes = Model.ClassNames.Count, plane = Model.Height * Model.Width;
        var classMap = new byte[plane];
        var counts = new int[classes];
        for (int p = 0; p < plane; p++)
        {
            int best = 0;   // the lowest class on a tie
            for (int c = 1; c < classes; c++)
                if (logits[c * plane + p] > logits[best * plane + p]) best = c;
            classMap[p] = (byte)Math.Min(best, 254);   // 255 is the ignore label of the overlay
            counts[best]++;
        }
        var shares = Enumerable.Range(0, classes).Where(c => counts[c] > 0).OrderByDescending(c => counts[c])
            .Select(c => $"{Model.ClassNames[c]} {Number(100.0 * counts[c] / plane, "F1")}%");
        output.WriteLine(string.Join('\t', shares.Prepend(name)));
        picture?.OverlayClassMap(classMap, Model.Height, Model.Width);
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
