namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>
/// The app from command line to exit code, with its streams passed in so that tests run it in-process. Exit codes:
/// 0 every image scored; 1 a <see cref="ScoringError"/> (model unusable — nothing scored — or some images refused,
/// each reported while the others are scored); 2 bad arguments.
/// </summary>
internal static class EdgeScoringApp
{
    /// <summary>Images per ONNX Runtime call when scoring (the benchmark uses 1).</summary>
    public const int BatchSize = 32;

    public static int Run(IReadOnlyList<string> args, Stream stdin, TextWriter output, TextWriter errors)
    {
        if (args is ["--help" or "-h"])
        {
            output.WriteLine(Arguments.Usage);
            return 0;
        }
        if (!Arguments.TryParse(args, out var arguments, out string? usageError))
        {
            errors.WriteLine($"error: {usageError}");
            errors.WriteLine(Arguments.Usage);
            return 2;
        }
        try
        {
            using var scorer = Scorer.Open(arguments!.ModelPath, arguments.Threads);
            var images = ImageSource.Find(arguments.Input, stdin, errors);
            if (arguments.BenchmarkRuns > 0)
            {
                Benchmark.Run(scorer, images, arguments.Resize, arguments.BenchmarkRuns, output);
                return 0;
            }
            if (scorer.Model.Task == ModelTask.Classification && arguments.DrawDirectory is not null)
                throw new ScoringError($"{arguments.ModelPath}: --draw draws detection and segmentation exports; this model is a classifier.");
            if (scorer.Model.Task != ModelTask.Classification && arguments.Json)
                throw new ScoringError($"{arguments.ModelPath}: --json writes a classifier's scores; this model is a {scorer.Model.Task.ToString().ToLowerInvariant()} export (text lines only).");
            var writer = new PredictionWriter(output, scorer.Model.ClassNames, arguments.Top, arguments.Json);
            var dense = new DenseOutputWriter(scorer, output, arguments.DrawDirectory, arguments.MinScore);
            int refused = ScoreAll(scorer, images, arguments.Resize, writer, dense, errors);
            if (refused > 0 && images.Count > 1) errors.WriteLine($"{refused} of {images.Count} images could not be scored.");
            return refused == 0 ? 0 : 1;
        }
        catch (ScoringError e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Scores the images in batches: a classifier's through <paramref name="writer"/>, a detection or segmentation export's
    /// through <paramref name="dense"/> (which may draw on the loaded image). An image that cannot be used is reported and
    /// left out. Returns how many were.
    /// </summary>
    private static int ScoreAll(Scorer scorer, IReadOnlyList<ImageSource> images, bool resize, PredictionWriter writer, DenseOutputWriter dense, TextWriter errors)
    {
        int refused = 0;
        var pixels = new float[BatchSize * scorer.ImageLength];
        foreach (var chunk in images.Chunk(BatchSize))
        {
            var loaded = new List<(string Name, SkiaSharp.SKBitmap Image)>(chunk.Length);
            try
            {
                foreach (var source in chunk)
                    try
                    {
                        var image = ImageLoader.Load(source.ReadBytes(), source.Name, scorer.Model, resize);
                        PixelTensor.Write(image, scorer.Model, pixels.AsSpan(loaded.Count * scorer.ImageLength, scorer.ImageLength));
                        loaded.Add((source.Name, image));
                    }
                    catch (ScoringError e)
                    {
                        errors.WriteLine($"error: {e.Message}");
                        refused++;
                    }
                if (loaded.Count == 0) continue;
                if (scorer.Model.Task == ModelTask.Classification)
                {
                    var probabilities = scorer.Score(pixels, loaded.Count);
                    for (int i = 0; i < loaded.Count; i++) writer.Write(new Prediction(loaded[i].Name, probabilities[i]));
                }
                else
                {
                    var values = scorer.Raw(pixels, loaded.Count);
                    for (int i = 0; i < loaded.Count; i++)
                        dense.Write(loaded[i].Name, loaded[i].Image, values.AsSpan(i * scorer.OutputLength, scorer.OutputLength));
                }
            }
            finally
            {
                foreach (var (_, image) in loaded) image.Dispose();
            }
        }
        return refused;
    }
}
