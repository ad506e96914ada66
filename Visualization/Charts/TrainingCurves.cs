using MLNet.Cnn.Training;
using ScottPlot;

namespace MLNet.Cnn.Visualization;

/// <summary>One line of <see cref="TrainingCurves"/>: its legend, its axis (accuracy on the right, loss on the left) and points.</summary>
internal sealed record CurveSeries(string Title, bool IsAccuracy, double[] Epochs, double[] Values);

/// <summary>
/// The training history as a chart (ScottPlot): loss on the left axis and accuracy (0…1) on the right, per epoch, for
/// training and validation. A line whose values are missing (no validation set; no accuracy, as in detection) is left
/// out; the accuracy axis is drawn only when some accuracy is there.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Writes the chart of <paramref name="epochs"/> (e.g. <c>TrainingResult.Epochs</c>) as a PNG.</summary>
    /// <exception cref="ArgumentException">No epochs, or a NaN or infinite loss or accuracy.</exception>
    public static void Save(IReadOnlyList<EpochResult> epochs, string path, string title = "Training curves", int width = 800, int height = 450)
    {
        var series = Series(epochs);
        ChartInput.Output(path, width, height);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "loss";
        bool accuracy = series.Any(s => s.IsAccuracy);
        if (accuracy) plot.Axes.Right.Label.Text = "accuracy";
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.Epochs, s.Values);
            line.LegendText = s.Title;
            line.Axes.YAxis = s.IsAccuracy ? plot.Axes.Right : plot.Axes.Left;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.AutoScale();
        if (accuracy) plot.Axes.SetLimitsY(plot.Axes.GetLimits(plot.Axes.Bottom, plot.Axes.Right).Bottom, 1, plot.Axes.Right);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// The lines, in legend order: training loss, validation loss, training accuracy, validation accuracy; each with the
    /// epochs that have its value, and left out when none has.
    /// </summary>
    internal static IReadOnlyList<CurveSeries> Series(IReadOnlyList<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0) throw new ArgumentException("No epochs to draw: the training history is empty.", nameof(epochs));
        var candidates = new (string Title, bool IsAccuracy, Func<EpochResult, double?> Value)[]
        {
            ("training loss", false, e => e.Loss),
            ("validation loss", false, e => e.ValidationLoss),
            ("training accuracy", true, e => e.Accuracy),
            ("validation accuracy", true, e => e.ValidationAccuracy),
        };
        var series = new List<CurveSeries>();
        foreach (var (title, isAccuracy, value) in candidates)
        {
            var present = epochs.Where(e => value(e) is not null).ToArray();
            foreach (var e in present) ChartInput.Finite(value(e)!.Value, $"epochs[epoch {e.Epoch}].{title}", nameof(epochs));
            if (present.Length > 0)
                series.Add(new CurveSeries(title, isAccuracy, present.Select(e => (double)e.Epoch).ToArray(), present.Select(e => value(e)!.Value).ToArray()));
        }
        return series;
    }
}
