using System.Globalization;
using System.Text.Json;

namespace MLNet.Cnn.Tool.Reports;

/// <summary>A label and its probability.</summary>
internal sealed record LabelProbability(string Label, float Probability);

/// <summary>The top labels of one image file, most probable first.</summary>
internal sealed record ImagePrediction(string File, IReadOnlyList<LabelProbability> Labels);

/// <summary>Writes predictions as an aligned table, CSV (one row per file and rank) or JSON; numbers in the invariant culture.</summary>
internal static class PredictionWriter
{
    public static readonly string[] Formats = ["table", "csv", "json"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(IReadOnlyList<ImagePrediction> predictions, string format, TextWriter output)
    {
        switch (format)
        {
            case "csv":
                output.WriteLine("file,rank,label,probability");
                foreach (var p in predictions)
                    for (int rank = 0; rank < p.Labels.Count; rank++)
                        output.WriteLine($"{Csv(p.File)},{rank + 1},{Csv(p.Labels[rank].Label)},{Probability(p.Labels[rank].Probability)}");
                break;
            case "json":
                output.WriteLine(JsonSerializer.Serialize(predictions, Json));
                break;
            default:
                int width = predictions.Max(p => p.File.Length);
                foreach (var p in predictions)
                    output.WriteLine($"{p.File.PadRight(width)}  {string.Join("  ", p.Labels.Select(l => $"{l.Label} {Probability(l.Probability)}"))}");
                break;
        }
    }

    private static string Probability(float p) => p.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line break.</summary>
    private static string Csv(string field) => field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
