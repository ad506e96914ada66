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
            var writer = new PredictionWriter(output, scorer.Model.ClassNames, arguments.Top, arguments.Json);
            int refused = ScoreAll(scorer, images, arguments.Resize, writer, errors);
            if (refused > 0 && images.Count > 1) errors.WriteLine($"{refused} of {images.Count} images could not be scored.");
            return refused == 0 ? 0 : 1;
        }
        catch (ScoringError e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Scores the images in batches; an image that cannot be used is reported and left out. Returns how many were.</summary>
    private static int ScoreAll(Scorer scorer, IReadOnlyList<ImageSource> images, bool resize, PredictionWriter writer, TextWriter errors)
    {
        int refused = 0;
        var pixels = new float[BatchSize * scorer.ImageLength];
        foreach (var chunk in images.Chunk(BatchSize))
        {
            var names = new List<string>(chunk.Length);
            foreach (var source in chunk)
                try
                {
                    using var image = ImageLoader.Load(source.ReadBytes(), source.Name, scorer.Model, resize);
                    PixelTensor.Write(image, scorer.Model, pixels.AsSpan(names.Count * scorer.ImageLength, scorer.ImageLength));
                    names.Add(source.Name);
                }
                catch (ScoringError e)
                {
                    errors.WriteLine($"error: {e.Message}");
                    refused++;
                }
            if (names.Count == 0) continue;
            var probabilities = scorer.Score(pixels, names.Count);
            for (int i = 0; i < names.Count; i++) writer.Write(new Prediction(names[i], probabilities[i]));
        }
        return refused;
    }
}
