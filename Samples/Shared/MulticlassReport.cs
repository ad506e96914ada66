using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples;

/// <summary>Prints ML.NET's multiclass metrics: the totals, a per-class table and the confusion matrix.</summary>
internal static class MulticlassReport
{
    public static void Print(MulticlassClassificationMetrics metrics, IReadOnlyList<string> classNames, TextWriter output)
    {
        output.WriteLine($"micro accuracy {metrics.MicroAccuracy:F4}   macro accuracy {metrics.MacroAccuracy:F4}   log-loss {metrics.LogLoss:F4}");
        var matrix = metrics.ConfusionMatrix;
        int width = Math.Max(8, classNames.Max(n => n.Length));
        output.WriteLine($"{"class".PadRight(width)}  precision  recall  log-loss  count");
        for (int c = 0; c < classNames.Count; c++)
        {
            double count = matrix.Counts[c].Sum();
            output.WriteLine($"{classNames[c].PadRight(width)}  {matrix.PerClassPrecision[c],9:F4}  {matrix.PerClassRecall[c],6:F4}  {metrics.PerClassLogLoss[c],8:F4}  {count,5:F0}");
        }
        output.WriteLine(matrix.GetFormattedConfusionTable());
    }
}
