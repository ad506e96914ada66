using MLNet.Cnn.Training;
using ScottPlot;

namespace MLNet.Cnn.Samples.FashionMnist;

/// <summary>The sample's PNG figures, drawn with ScottPlot.</summary>
internal static class Plots
{
    /// <summary>Loss (left axis) and accuracy (right axis, 0…1) per epoch, training and (when there is one) validation.</summary>
    public static void TrainingCurves(IReadOnlyList<EpochResult> epochs, string path)
    {
        var plot = new Plot();
        plot.Title("Training curves");
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Right.Label.Text = "accuracy";
        Line(plot, "training loss", plot.Axes.Left, epochs.Select(e => (e.Epoch, (double?)e.Loss)));
        Line(plot, "validation loss", plot.Axes.Left, epochs.Select(e => (e.Epoch, e.ValidationLoss)));
        Line(plot, "training accuracy", plot.Axes.Right, epochs.Select(e => (e.Epoch, (double?)e.Accuracy)));
        Line(plot, "validation accuracy", plot.Axes.Right, epochs.Select(e => (e.Epoch, e.ValidationAccuracy)));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(plot.Axes.GetLimits(plot.Axes.Bottom, plot.Axes.Right).Bottom, 1, plot.Axes.Right);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 800, 450);
    }

    /// <summary>One line with circle markers on the given vertical axis; points without a value (no validation) left out, and the line too when none has one.</summary>
    private static void Line(Plot plot, string title, IYAxis axis, IEnumerable<(int Epoch, double? Value)> points)
    {
        var present = points.Where(p => p.Value is not null).ToArray();
        if (present.Length == 0) return;
        var series = plot.Add.Scatter(present.Select(p => (double)p.Epoch).ToArray(), present.Select(p => p.Value!.Value).ToArray());
        series.LegendText = title;
        series.Axes.YAxis = axis;
    }

    /// <summary>Counts of (true class, predicted class), true classes top to bottom, each cell labelled with its count.</summary>
    public static void ConfusionMatrix(IReadOnlyList<IReadOnlyList<double>> counts, IReadOnlyList<string> classNames, string path)
    {
        int k = classNames.Count;
        var data = new double[k, k];
        for (int truth = 0; truth < k; truth++)
            for (int predicted = 0; predicted < k; predicted++)
                data[truth, predicted] = counts[truth][predicted]; // row 0 is the heatmap's top row
        var plot = new Plot();
        plot.Title("Confusion matrix (test set)");
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.CustomInterpolated([Colors.White, Colors.SteelBlue]);
        // Cell centres on the whole numbers: column c at x = c, row r at y = k − 1 − r.
        heatmap.Position = new CoordinateRect(0, k - 1, 0, k - 1);
        plot.Add.ColorBar(heatmap);
        double largest = counts.Max(row => row.Max());
        for (int truth = 0; truth < k; truth++)
            for (int predicted = 0; predicted < k; predicted++)
            {
                var label = plot.Add.Text(counts[truth][predicted].ToString("0"), predicted, k - 1 - truth);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelFontColor = counts[truth][predicted] > largest / 2 ? Colors.White : Colors.Black;
            }
        var positions = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, classNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 75; // room for the slanted names above the axis title
        plot.Axes.Left.SetTicks(positions, classNames.Reverse().ToArray());
        plot.XLabel("predicted");
        plot.YLabel("true");
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.SavePng(path, 900, 800);
    }
}
