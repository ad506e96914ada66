using System.Globalization;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>The command line: what to score with which model, and how.</summary>
/// <param name="Input">An image file, a folder of images, or <see cref="StandardInput"/>.</param>
/// <param name="Top">How many classes to print per image, most probable first.</param>
/// <param name="Threads">ONNX Runtime's intra-op threads.</param>
/// <param name="Resize">Stretch images of another size to the model's (otherwise they are refused).</param>
/// <param name="BenchmarkRuns">0: score and print; R &gt; 0: time R passes over the images with batch 1 instead.</param>
/// <param name="Json">One JSON object per line instead of text.</param>
/// <param name="DrawDirectory">Detection and segmentation exports: where the images with their boxes or masks are written (null: none).</param>
/// <param name="MinScore">Detection exports: the least score of an object printed and drawn.</param>
internal sealed record Arguments(string ModelPath, string Input, int Top, int Threads, bool Resize, int BenchmarkRuns, bool Json,
    string? DrawDirectory = null, float MinScore = Arguments.DefaultMinScore)
{
    public const float DefaultMinScore = 0.25f;

    public const string StandardInput = "-";

    public const string Usage = """
        usage: EdgeScoring <model.onnx> <image file | folder | -> [--top K] [--threads N] [--resize] [--benchmark R] [--json] [--draw DIR] [--min-score S]
          <model.onnx>   a model exported by MLNet.Cnn (OnnxExporter): input "input" [N, C, H, W], output "logits": [N, K] for a
                         classifier; a YOLO grid (metadata mlnet.cnn.task "detection") or per-pixel scores ("segmentation")
          <image>        one image; a folder: its png/jpg/jpeg/bmp/gif/webp files; -: one encoded image on standard input
          --top K        print the K most probable classes (default 1)
          --threads N    ONNX Runtime intra-op threads (default: all cores)
          --resize       stretch images of another size to the model's input size (default: refuse them)
          --benchmark R  score every image R times with batch 1 and print the median and p90 latency per image
          --json         one JSON object per image instead of a text line (classifiers)
          --draw DIR     detection and segmentation: write each image with its boxes or its predicted mask to DIR (PNG)
          --min-score S  detection: print and draw the objects scoring above S (default 0.25; per-class NMS at IoU 0.5)
        """;

    public static bool TryParse(IReadOnlyList<string> args, out Arguments? parsed, out string? error)
    {
        parsed = null;
        var positional = new List<string>();
        int top = 1, threads = Environment.ProcessorCount, runs = 0;
        bool resize = false, json = false;
        string? draw = null;
        float minScore = DefaultMinScore;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--resize": resize = true; break;
                case "--json": json = true; break;
                case "--draw":
                    if (i + 1 == args.Count)
                    {
                        error = "--draw takes a folder to write the pictures to.";
                        return false;
                    }
                    draw = args[++i];
                    break;
                case "--min-score":
                    if (i + 1 == args.Count || !float.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out minScore) || !(minScore is >= 0 and < 1))
                    {
                        error = "--min-score takes a score in [0, 1).";
                        return false;
                    }
                    i++;
                    break;
                case "--top" or "--threads" or "--benchmark":
                    if (i + 1 == args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
                    {
                        error = $"{arg} takes a whole number of at least 1.";
                        return false;
                    }
                    i++;
                    if (arg == "--top") top = value;
                    else if (arg == "--threads") threads = value;
                    else runs = value;
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        error = $"Unknown option '{arg}'.";
                        return false;
                    }
                    positional.Add(arg);
                    break;
            }
        }
        if (positional.Count != 2)
        {
            error = $"Expected a model and an image (file, folder or -); {positional.Count} path(s) given.";
            return false;
        }
        parsed = new Arguments(positional[0], positional[1], top, threads, resize, runs, json, draw, minScore);
        error = null;
        return true;
    }
}
