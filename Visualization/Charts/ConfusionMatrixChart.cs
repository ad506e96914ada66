using ScottPlot;

namespace MLNet.Cnn.Visualization;

/// <summary>
/// A confusion matrix as a heat map (ScottPlot): true classes top to bottom, predicted classes left to right, each cell
/// labelled with its count (or, normalized, with the share of its true class, 0.00…1.00), white to steel blue.
/// </summary>
public static class ConfusionMatrixChart
{
    /// <summary>
    /// Writes the chart of <paramref name="counts"/>[true class][predicted class] (ML.NET's
    /// <c>ConfusionMatrix.Counts</c> has this layout) as a PNG. With <paramref name="normalize"/>, each row is divided by
    /// its sum (a true class with no example stays a row of zeros), so a cell is the recall-style share of that true class.
    /// </summary>
    /// <exception cref="ArgumentException">No classes, rows that are not all as long as the class names, or a negative, NaN or infinite count.</exception>
    public static void Save(IReadOnlyList<IReadOnlyList<double>> counts, IReadOnlyList<string> classNames, string path,
        bool normalize = false, string title = "Confusion matrix", int width = 900, int height = 800)
    {
        var cells = Cells(counts, classNames, normalize);
        ChartInput.Output(path, width, height);
        int k = classNames.Count;
        var plot = new Plot();
        plot.Title(title);
        var heatmap = plot.Add.Heatmap(cells); // row 0 is the heat map's top row
        heatmap.Colormap = new ScottPlot.Colormaps.CustomInterpolated([Colors.White, Colors.SteelBlue]);
        // Cell centres on the whole numbers: column c at x = c, row r at y = k − 1 − r.
        heatmap.Position = new CoordinateRect(0, k - 1, 0, k - 1);
        plot.Add.ColorBar(heatmap);
        double largest = cells.Cast<double>().Max();
        for (int truth = 0; truth < k; truth++)
            for (int predicted = 0; predicted < k; predicted++)
            {
                double value = cells[truth, predicted];
                var label = plot.Add.Text(value.ToString(normalize ? "0.00" : "0", System.Globalization.CultureInfo.InvariantCulture), predicted, k - 1 - truth);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelFontColor = value > largest / 2 ? Colors.White : Colors.Black;
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
        plot.SavePng(path, width, height);
    }

    /// <summary>The cells [true, predicted]: the counts, or each row divided by its sum when <paramref name="normalize"/>.</summary>
    internal static double[,] Cells(IReadOnlyList<IReadOnlyList<double>> counts, IReadOnlyList<string> classNames, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0) throw new ArgumentException("The confusion matrix has no rows.", nameof(counts));
        ChartInput.ClassNames(classNames, counts.Count, "rows of counts");
        int k = counts.Count;
        var cells = new double[k, k];
        for (int truth = 0; truth < k; truth++)
        {
            if (counts[truth] is not { } row || row.Count != k)
                throw new ArgumentException($"counts[{truth}] has {counts[truth]?.Count ?? 0} values; a confusion matrix of {k} classes is {k}×{k}.", nameof(counts));
            for (int predicted = 0; predicted < k; predicted++)
            {
                ChartInput.Finite(row[predicted], $"counts[{truth}][{predicted}]", nameof(counts));
                if (row[predicted] < 0) throw new ArgumentException($"counts[{truth}][{predicted}] is {row[predicted]}; counts are not negative.", nameof(counts));
            }
            double sum = normalize ? row.Sum() : 1;
            for (int predicted = 0; predicted < k; predicted++)
                cells[truth, predicted] = sum > 0 ? row[predicted] / sum : 0;
        }
        return cells;
    }
}
