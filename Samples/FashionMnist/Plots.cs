using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Samples.FashionMnist;

/// <summary>The sample's PNG figures, drawn with OxyPlot.</summary>
internal static class Plots
{
    /// <summary>Loss and accuracy per epoch, training and (when there is one) validation.</summary>
    public static void TrainingCurves(IReadOnlyList<EpochResult> epochs, string path)
    {
        var model = new PlotModel { Title = "Training curves" };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightMiddle, LegendPlacement = LegendPlacement.Outside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "epoch", Minimum = 1, MajorStep = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "loss", Key = "loss" });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Title = "accuracy", Key = "accuracy", Maximum = 1 });
        Line(model, "training loss", "loss", epochs.Select(e => (e.Epoch, (double?)e.Loss)));
        Line(model, "validation loss", "loss", epochs.Select(e => (e.Epoch, e.ValidationLoss)));
        Line(model, "training accuracy", "accuracy", epochs.Select(e => (e.Epoch, (double?)e.Accuracy)));
        Line(model, "validation accuracy", "accuracy", epochs.Select(e => (e.Epoch, e.ValidationAccuracy)));
        Save(model, path, 800, 450);
    }

    private static void Line(PlotModel model, string title, string axis, IEnumerable<(int Epoch, double? Value)> points)
    {
        var series = new LineSeries { Title = title, YAxisKey = axis, MarkerType = MarkerType.Circle };
        foreach (var (epoch, value) in points)
            if (value is { } v) series.Points.Add(new DataPoint(epoch, v));
        if (series.Points.Count > 0) model.Series.Add(series);
    }

    /// <summary>Counts of (true class, predicted class), true classes top to bottom, each cell labelled with its count.</summary>
    public static void ConfusionMatrix(IReadOnlyList<IReadOnlyList<double>> counts, IReadOnlyList<string> classNames, string path)
    {
        int k = classNames.Count;
        var data = new double[k, k];
        for (int truth = 0; truth < k; truth++)
            for (int predicted = 0; predicted < k; predicted++)
                data[predicted, k - 1 - truth] = counts[truth][predicted]; // x: predicted; y: true, first class at the top
        var model = new PlotModel { Title = "Confusion matrix (test set)" };
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalette.Interpolate(200, OxyColors.White, OxyColors.SteelBlue) });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Bottom, Title = "predicted", ItemsSource = classNames, Angle = -30 });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, Title = "true", ItemsSource = classNames.Reverse().ToArray() });
        model.Series.Add(new HeatMapSeries
        {
            X0 = 0, X1 = k - 1, Y0 = 0, Y1 = k - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles,
            LabelFontSize = 0.25, LabelFormatString = "0",
        });
        Save(model, path, 900, 800);
    }

    private static void Save(PlotModel model, string path, int width, int height)
    {
        model.Background = OxyColors.White;
        using var stream = File.Create(path);
        OxyPlot.SkiaSharp.PngExporter.Export(model, stream, width, height);
    }
}
