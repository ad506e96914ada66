using ScottPlot;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// A loss over the training images seen, on a log scale (ScottPlot): ScottPlot has no logarithmic axis, so the line is
/// drawn at log10(loss) and the axis has a labelled tick at each power of ten and minor ticks spaced as a log axis's.
/// Losses that are not positive are left out; no points at all (a run shorter than one progress report) gives the empty axes.
/// </summary>
public static class LossCurve
{
    /// <summary>Writes the chart of <paramref name="points"/> (images seen, loss) as a PNG.</summary>
    /// <exception cref="ArgumentException">A NaN or infinite coordinate.</exception>
    public static void Save(IReadOnlyList<(double Images, double Loss)> points, string title, string path, int width = 800, int height = 450)
    {
        var (images, logLoss) = LogPoints(points);
        ChartInput.Output(path, width, height);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("training images seen");
        plot.YLabel("loss (log scale)");
        var series = plot.Add.ScatterLine(images, logLoss);
        series.Color = Colors.SteelBlue;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.SavePng(path, width, height);
    }

    /// <summary>The points drawn: (images, log10 loss) of the points with a positive loss, in their order.</summary>
    internal static (double[] Images, double[] LogLoss) LogPoints(IReadOnlyList<(double Images, double Loss)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        for (int i = 0; i < points.Count; i++)
        {
            ChartInput.Finite(points[i].Images, $"points[{i}].Images", nameof(points));
            ChartInput.Finite(points[i].Loss, $"points[{i}].Loss", nameof(points));
        }
        var positive = points.Where(p => p.Loss > 0).ToArray();
        return (positive.Select(p => p.Images).ToArray(), positive.Select(p => Math.Log10(p.Loss)).ToArray());
    }
}
