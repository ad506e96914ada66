using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// One line per image. Text: name, best class and its probability, then the next classes of the top K, tab-separated
/// (class names may contain spaces). JSON (one object per line): {"file", "class", "probability"} and, for K &gt; 1,
/// "top": [{"class", "probability"}, …]; probabilities in full float precision.
/// </summary>
internal sealed class PredictionWriter(TextWriter output, IReadOnlyList<string> classNames, int top, bool json)
{
    /// <summary>Names as they are ("&lt;stdin&gt;", accents): the lines go to a terminal or a pipe, never into HTML.</summary>
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(Prediction prediction)
    {
        var best = prediction.Top(top).ToArray();
        output.WriteLine(json ? Json(prediction.Name, best) : Text(prediction.Name, best));
    }

    private string Text(string name, (int Class, float Probability)[] best) =>
        string.Join('\t', best.Select(c => $"{classNames[c.Class]}\t{c.Probability.ToString("F4", CultureInfo.InvariantCulture)}").Prepend(name));

    private string Json(string name, (int Class, float Probability)[] best)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("file", name);
            WriteClass(writer, best[0]);
            if (best.Length > 1)
            {
                writer.WriteStartArray("top");
                foreach (var c in best)
                {
                    writer.WriteStartObject();
                    WriteClass(writer, c);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteClass(Utf8JsonWriter writer, (int Class, float Probability) c)
    {
        writer.WriteString("class", classNames[c.Class]);
        writer.WriteNumber("probability", c.Probability);
    }
}
