using System.Globalization;
using System.Text;

namespace MLNet.Cnn.Benchmarks;

/// <summary>A result table: printed aligned to stdout and written as CSV under Benchmarks/results/.</summary>
internal sealed class Results(params string[] columns)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length)
            throw new ArgumentException($"a row needs {columns.Length} cells, {cells.Length} were given", nameof(cells));
        _rows.Add(cells);
    }

    /// <summary>Formats a number for both the table and the CSV: invariant culture, fixed decimals.</summary>
    public static string Number(double value, int decimals = 2) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>
    /// The CSV file of a run: "<paramref name="command"/>.csv" for a run over every case (the committed evidence), with the
    /// name filter (letters, digits, '_' and '-' kept) and <paramref name="suffix"/> inserted when given: "conv.resnet.csv".
    /// </summary>
    public static string CsvName(string command, string? filter, string? suffix = null)
    {
        string? cleaned = filter is null ? null : string.Concat(filter.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));
        return string.Join('.', new[] { command, cleaned, suffix, "csv" }.OfType<string>());
    }

    public void Print()
    {
        var widths = columns.Select((c, i) => _rows.Select(r => r[i].Length).Append(c.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        Console.WriteLine(Line(columns));
        Console.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var row in _rows) Console.WriteLine(Line(row));
    }

    /// <summary>Writes the table to Benchmarks/results/<paramref name="fileName"/> and returns the path.</summary>
    public string WriteCsv(string fileName)
    {
        string path = Path.Combine(ResultsDirectory(), fileName);
        var csv = new StringBuilder().AppendLine(string.Join(',', columns));
        foreach (var row in _rows) csv.AppendLine(string.Join(',', row));
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    /// <summary>
    /// Benchmarks/results/ of the source tree, found by walking up from the build output to the project file,
    /// so the CSV lands in the same place whatever the working directory of <c>dotnet run</c>.
    /// </summary>
    private static string ResultsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.Cnn.Benchmarks.csproj")))
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "results")).FullName;
        return Directory.CreateDirectory("results").FullName;
    }
}
