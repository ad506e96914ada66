using System.Globalization;
using System.Text;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// The CSV of scored images: a header <c>path,label,&lt;class 1&gt;,…,&lt;class K&gt;</c>, then one row per image with the
/// most probable class and the probabilities in round-trip form ("R"), so equal scores give equal text.
/// </summary>
internal static class ScoreTable
{
    public static string Write(IReadOnlyList<string> classNames, IReadOnlyList<string> paths, IReadOnlyList<float[]> scores)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { "path", "label" }.Concat(classNames).Select(Field)).Append('\n');
        for (int i = 0; i < paths.Count; i++)
        {
            float[] row = scores[i];
            int best = 0;
            for (int c = 1; c < row.Length; c++)
                if (row[c] > row[best]) best = c;
            csv.Append(Field(paths[i])).Append(',').Append(Field(classNames[best]));
            foreach (float score in row) csv.Append(',').Append(score.ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>A field quoted (RFC 4180) when it holds a comma, a quote or a line break.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
