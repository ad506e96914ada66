using MLNet.Cnn.Training;
using ScottPlot;

namespace MLNet.Cnn.Samples;

/// <summary>
/// Records the training loss from the trainer's progress reports while passing them on (e.g. to <see cref="TrainingProgressBar"/>):
/// a report holds the running mean over its epoch so far, so the mean over the batches since the previous point is
/// (mean_b·b − mean_a·a) / (b − a) — one point per <paramref name="every"/> batches (or more, at the first report past
/// them), at the images seen so far, whatever the reports' interval (the last batches of an epoch, after its last point,
/// are left out).
/// </summary>
internal sealed class LossRecorder(IProgress<TrainingProgress> next, int batchSize, int every) : IProgress<TrainingProgress>
{
    private readonly List<(double Images, double Loss)> _points = [];
    private int _previousBatch;
    private double _previousMean;

    /// <summary>(images seen, mean loss over the interval that ended there).</summary>
    public IReadOnlyList<(double Images, double Loss)> Points => _points;

    public void Report(TrainingProgress value)
    {
        next.Report(value);
        // The epoch-end report repeats the epoch's mean, and after a time limit names the planned last batch rather
        // than the one reached: it only closes the epoch.
        if (value.IsEpochEnd)
        {
            (_previousBatch, _previousMean) = (0, 0);
            return;
        }
        if (value.Batch >= _previousBatch + every && double.IsFinite(value.Loss))
        {
            double interval = (value.Loss * value.Batch - _previousMean * _previousBatch) / (value.Batch - _previousBatch);
            _points.Add((((double)(value.Epoch - 1) * value.BatchesPerEpoch + value.Batch) * batchSize, interval));
            (_previousBatch, _previousMean) = (value.Batch, value.Loss);
        }
    }
}

/// <summary>The detection and segmentation samples' plots, drawn with ScottPlot.</summary>
internal static class SamplePlots
{
    /// <summary>
    /// The training loss over the images seen (the mean over each progress interval), on a log scale: ScottPlot has no
    /// logarithmic axis, so the line is drawn at log10(loss) and the axis has a labelled tick at each power of ten and
    /// minor ticks spaced as a log axis's (non-positive losses are left out).
    /// </summary>
    public static void LossCurve(IReadOnlyList<(double Images, double Loss)> points, string title, string path)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("training images seen");
        plot.YLabel("loss (log scale)");
        var positive = points.Where(p => p.Loss > 0).ToArray();
        var series = plot.Add.ScatterLine(positive.Select(p => p.Images).ToArray(), positive.Select(p => Math.Log10(p.Loss)).ToArray());
        series.Color = Colors.SteelBlue;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.SavePng(path, 800, 450);
    }

    /// <summary>Precision over recall: one line per class (null curves left out) and their mean, thicker and black.</summary>
    public static void PrecisionRecall(IReadOnlyList<double> recall, IReadOnlyList<IReadOnlyList<double>?> perClass, IReadOnlyList<string> classNames,
        string title, string path)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("recall");
        plot.YLabel("precision");
        var present = perClass.Select((curve, c) => (Curve: curve, Class: c)).Where(e => e.Curve is not null).ToArray();
        foreach (var (curve, c) in present)
            Line(plot, recall, curve!, classNames[c], Color(c), 1.2f);
        if (present.Length > 0)
            Line(plot, recall, recall.Select((_, r) => present.Average(e => e.Curve![r])).ToArray(), "mean", Colors.Black, 3);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 900, 550);
    }

    /// <summary>The class colors of ScenePicture (matplotlib's tab10), so the plot and the pictures agree.</summary>
    private static Color Color(int classId)
    {
        var color = ScenePicture.ClassColor(classId);
        return new Color(color.Red, color.Green, color.Blue);
    }

    private static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string title, Color color, float thickness)
    {
        var series = plot.Add.ScatterLine(x.ToArray(), y.ToArray());
        series.LegendText = title;
        series.Color = color;
        series.LineWidth = thickness;
    }
}
