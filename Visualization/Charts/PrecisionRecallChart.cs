using ScottPlot;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// Precision over recall (ScottPlot): one line per class in matplotlib's "tab10" colors (class c in color c mod 10) and
/// their mean, thicker and black; a class without a curve (null: no example of it) is left out, and of the mean too.
/// </summary>
public static class PrecisionRecallChart
{
    /// <summary>Matplotlib's "tab10": ten colors told apart easily, one per class.</summary>
    private static readonly Color[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
    ];

    /// <summary>
    /// Writes the chart of the precision curves <paramref name="perClass"/>[class][r] at the recall levels
    /// <paramref name="recall"/>[r] (e.g. COCO's 101 levels) as a PNG.
    /// </summary>
    /// <exception cref="ArgumentException">Class names that do not match the curves, a curve of another length than the recall levels, or a NaN or infinite value.</exception>
    public static void Save(IReadOnlyList<double> recall, IReadOnlyList<IReadOnlyList<double>?> perClass, IReadOnlyList<string> classNames,
        string title, string path, int width = 900, int height = 550)
    {
        var mean = Mean(recall, perClass, classNames);
        ChartInput.Output(path, width, height);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("recall");
        plot.YLabel("precision");
        for (int c = 0; c < perClass.Count; c++)
            if (perClass[c] is { } curve)
                Line(plot, recall, curve, classNames[c], Palette[c % Palette.Length], 1.2f);
        if (mean is not null) Line(plot, recall, mean, "mean", Colors.Black, 3);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width, height);
    }

    /// <summary>The mean of the curves that are there, at each recall level; null when none is.</summary>
    internal static double[]? Mean(IReadOnlyList<double> recall, IReadOnlyList<IReadOnlyList<double>?> perClass, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(recall);
        ArgumentNullException.ThrowIfNull(perClass);
        ChartInput.ClassNames(classNames, perClass.Count, "precision curves");
        for (int r = 0; r < recall.Count; r++) ChartInput.Finite(recall[r], $"recall[{r}]", nameof(recall));
        var present = perClass.Where(c => c is not null).Select(c => c!).ToArray();
        for (int c = 0; c < perClass.Count; c++)
        {
            if (perClass[c] is not { } curve) continue;
            if (curve.Count != recall.Count)
                throw new ArgumentException($"perClass[{c}] has {curve.Count} precisions for {recall.Count} recall levels.", nameof(perClass));
            for (int r = 0; r < curve.Count; r++) ChartInput.Finite(curve[r], $"perClass[{c}][{r}]", nameof(perClass));
        }
        return present.Length == 0 ? null : Enumerable.Range(0, recall.Count).Select(r => present.Average(curve => curve[r])).ToArray();
    }

    private static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string title, Color color, float thickness)
    {
        var series = plot.Add.ScatterLine(x.ToArray(), y.ToArray());
        series.LegendText = title;
        series.Color = color;
        series.LineWidth = thickness;
    }
}
