using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples;

/// <summary>
/// Records the training loss from the trainer's progress reports while passing them on (e.g. to <see cref="ProgressLines"/>):
/// a report holds the running mean over its epoch so far, so the mean over the batches since the previous report is
/// (mean_b·b − mean_a·a) / (b − a) — one point per report interval, at the images seen so far (the last few batches of an
/// epoch, after its last interval report, are left out).
/// </summary>
internal sealed class LossRecorder(IProgress<TrainingProgress> next, int batchSize) : IProgress<TrainingProgress>
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
        if (value.Batch > _previousBatch && double.IsFinite(value.Loss))
        {
            double interval = (value.Loss * value.Batch - _previousMean * _previousBatch) / (value.Batch - _previousBatch);
            _points.Add((((double)(value.Epoch - 1) * value.BatchesPerEpoch + value.Batch) * batchSize, interval));
            (_previousBatch, _previousMean) = (value.Batch, value.Loss);
        }
    }
}

/// <summary>The detection and segmentation samples' plots, drawn with OxyPlot.</summary>
internal static class SamplePlots
{
    /// <summary>The training loss over the images seen (the mean over each progress interval).</summary>
    public static void LossCurve(IReadOnlyList<(double Images, double Loss)> points, string title, string path)
    {
        var model = new PlotModel { Title = title };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "training images seen" });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "loss (log scale)" });
        var series = new LineSeries { Title = "training loss", Color = OxyColors.SteelBlue };
        foreach (var (images, loss) in points)
            if (loss > 0) series.Points.Add(new DataPoint(images, loss));
        model.Series.Add(series);
        Save(model, path, 800, 450);
    }

    /// <summary>Precision over recall: one line per class (null curves left out) and their mean, thicker and black.</summary>
    public static void PrecisionRecall(IReadOnlyList<double> recall, IReadOnlyList<IReadOnlyList<double>?> perClass, IReadOnlyList<string> classNames,
        string title, string path)
    {
        var model = new PlotModel { Title = title };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightMiddle, LegendPlacement = LegendPlacement.Outside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "recall", Minimum = 0, Maximum = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "precision", Minimum = 0, Maximum = 1.02 });
        var present = perClass.Select((curve, c) => (Curve: curve, Class: c)).Where(e => e.Curve is not null).ToArray();
        foreach (var (curve, c) in present)
            model.Series.Add(Line(recall, curve!, classNames[c], Color(c), 1.2));
        if (present.Length > 0)
        {
            var mean = recall.Select((_, r) => present.Average(e => e.Curve![r])).ToArray();
            model.Series.Add(Line(recall, mean, "mean", OxyColors.Black, 3));
        }
        Save(model, path, 900, 550);
    }

    /// <summary>The class colors of ScenePicture (matplotlib's tab10), so the plot and the pictures agree.</summary>
    private static OxyColor Color(int classId)
    {
        var color = ScenePicture.ClassColor(classId);
        return OxyColor.FromRgb(color.Red, color.Green, color.Blue);
    }

    private static LineSeries Line(IReadOnlyList<double> x, IReadOnlyList<double> y, string title, OxyColor color, double thickness)
    {
        var series = new LineSeries { Title = title, Color = color, StrokeThickness = thickness };
        for (int i = 0; i < x.Count; i++) series.Points.Add(new DataPoint(x[i], y[i]));
        return series;
    }

    private static void Save(PlotModel model, string path, int width, int height)
    {
        model.Background = OxyColors.White;
        using var stream = File.Create(path);
        OxyPlot.SkiaSharp.PngExporter.Export(model, stream, width, height);
    }
}
