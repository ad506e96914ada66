using System.Diagnostics;
using System.Globalization;
using MLNet.Cnn.Tests.Shared;

namespace MLNet.Cnn.Benchmarks.Torchvision;

/// <summary>
/// The full-size torchvision exports of <c>Torchvision/export.py FOLDER</c> (23 classification models at opsets 13 and 17,
/// random weights): each file imported, its logits compared with PyTorch's on the same batch (the difference relative to
/// the largest logit; target ≤ 1e-4), and <see cref="TorchvisionExportCheck.TrainingSteps"/> SGD steps on that batch that
/// should lower the loss, beside PyTorch's losses for the same steps (compared over the first step, relative to its first
/// loss). A refusal of the importer (or any other failure) is recorded in the row and the next file goes on; so is a model
/// export.py could not export (its export-failures.txt). Writes results/torchvision.csv.
/// </summary>
internal static class TorchvisionBenchmark
{
    private const double Tolerance = 1e-4;

    public static void Run(BenchmarkOptions options)
    {
        string? folder = options.Filter;
        if (folder is null || !Directory.Exists(folder))
        {
            Console.WriteLine($"torchvision needs the folder written by '/usr/bin/python3 Benchmarks/Torchvision/export.py FOLDER'; '{folder}' is not one.");
            return;
        }
        var results = new Results("model", "opset", "file_mb", "max_diff_rel", "matches", "losses", "torch_losses", "step1_diff_rel",
            "loss_down", "seconds", "import");
        foreach (string path in Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
        {
            var (model, opset) = TorchvisionExportCheck.NameOf(path);
            string megabytes = Results.Number(new FileInfo(path).Length / 1e6, 1);
            var clock = Stopwatch.StartNew();
            string[] row;
            try
            {
                var r = TorchvisionExportCheck.Run(path);
                row = [model, opset.ToString(), megabytes, Scientific(r.RelativeDifference), r.RelativeDifference <= Tolerance ? "yes" : "NO",
                    Losses(r.Losses), Losses(r.TorchLosses.Select(v => (double)v)), Scientific(r.FirstStepDifference),
                    r.LossAfter < r.LossBefore ? "yes" : "NO", Results.Number(clock.Elapsed.TotalSeconds, 1), "ok"];
            }
            catch (Exception e)
            {
                string what = e is NotSupportedException ? "refused" : e.GetType().Name;
                row = [model, opset.ToString(), megabytes, "", "", "", "", "", "", Results.Number(clock.Elapsed.TotalSeconds, 1), $"{what}: {Cell(e.Message, path)}"];
            }
            results.Add(row);
            Console.WriteLine(string.Join("  ", row));
            GC.Collect(); // the largest (VGG-16: 0.5 GB of weights, with gradients) leave before the next is read
        }
        string failures = Path.Combine(folder, "export-failures.txt");
        foreach (string line in File.Exists(failures) ? File.ReadAllLines(failures).Where(l => l.Length > 0) : [])
        {
            var parts = line.Split(' ', 3);
            results.Add(parts[0], parts[1].Replace("opset", ""), "", "", "", "", "", "", "", "", $"export failed: {Cell(parts[2], "")}");
        }
        Console.WriteLine();
        results.Print();
        Console.WriteLine($"wrote {results.WriteCsv("torchvision.csv")}");
    }

    private static string Scientific(double value) => value.ToString("0.00e+0", CultureInfo.InvariantCulture);

    /// <summary>The loss before each step and after the last, in one cell: "2.30253 2.29017 2.27791 2.26573".</summary>
    private static string Losses(IEnumerable<double> losses) => string.Join(' ', losses.Select(v => Results.Number(v, 5)));

    /// <summary>A message as one CSV cell: without the file's name (the row says it), commas and line breaks.</summary>
    private static string Cell(string message, string path) =>
        string.Join(' ', message.Replace($"ONNX model '{path}': ", "").Split('\n')[0].Replace(',', ';').Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
