using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Transforms;

namespace MLNet.Cnn.Distributed.Scoring;

/// <summary>
/// An ONNX classifier exported by <see cref="OnnxExporter"/> (<c>.onnx</c>) scoring lists of image files through ONNX Runtime:
/// each image is decoded and brought to the model's input as the trainer does (<see cref="ImagePixels"/>: stretched to H×W,
/// grayscale for one channel, planes R, G, B, scaled by the trainer's default <see cref="CnnTrainerOptions.ImagePixelScale"/>),
/// normalized by the metadata's (x − mean) / std unless the graph does it, and run in batches of <see cref="BatchSize"/>; the
/// logits become probabilities by softmax. The native ONNX Runtime comes from the application (Microsoft.ML.OnnxRuntime).
/// A loaded scorer may be used from several threads.
/// </summary>
internal sealed class OnnxModelScorer : IImageScorer
{
    private const int BatchSize = 64;
    private const string ImageColumn = "CnnImage", ResizedColumn = "CnnResized", PixelColumn = "CnnPixels";
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OnnxModelInput _input;
    private readonly Normalization _normalization;   // the identity when the graph normalizes itself
    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _pixels;

    private OnnxModelScorer(string path)
    {
        Path = path;
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model '{path}' does not exist; expected {ImageScorers.Expected}.", path);
        try { _session = new InferenceSession(path, new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR }); }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"The model '{path}' does not load as an ONNX model (truncated or corrupt?): {e.Message}", e);
        }
        try
        {
            _input = OnnxModelInput.Read(_session, path);
            _normalization = _input.NormalizationInGraph ? Normalization.None(_input.Channels) : new Normalization(_input.Mean, _input.Std);
            var none = _ml.Data.LoadFromEnumerable(Array.Empty<PathRow>());
            _pixels = _ml.Transforms.LoadImages(ImageColumn, imageFolder: null, nameof(PathRow.ImagePath))
                .Append(ImagePixels.Steps(_ml.Transforms, nameof(PathRow.ImagePath), ImageColumn, ResizedColumn, PixelColumn,
                    _input.Channels, _input.Height, _input.Width, new CnnMulticlassOptions().ImagePixelScale))
                .Fit(none);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => _input.ClassNames;

    /// <summary>Loads the export at <paramref name="path"/>; a missing file, one ONNX Runtime cannot read or one without the export's metadata is bad input.</summary>
    public static OnnxModelScorer Load(string path) => new(path);

    /// <inheritdoc/>
    public float[][] Score(IReadOnlyList<string> imagePaths)
    {
        foreach (string image in imagePaths)
            if (!File.Exists(image))
                throw new FileNotFoundException($"The image '{image}' of the manifest does not exist.", image);
        return imagePaths.Chunk(BatchSize)
            .SelectMany(batch => ImageFault.ScoreNamingTheFault(batch, ScoreBatch, image => image, Path))
            .ToArray();
    }

    /// <summary>The probabilities of one batch: pixels [N, C, H, W] → logits [N, K] → softmax per row.</summary>
    private float[][] ScoreBatch(IReadOnlyList<string> imagePaths)
    {
        var rows = _ml.Data.LoadFromEnumerable(imagePaths.Select(p => new PathRow { ImagePath = p }));
        var pixels = _pixels.Transform(rows).GetColumn<float[]>(PixelColumn).ToArray();
        int n = pixels.Length, channels = _input.Channels, plane = _input.Height * _input.Width, classes = _input.ClassNames.Length;
        var batch = new float[n * channels * plane];
        for (int i = 0; i < n; i++) _normalization.Apply(pixels[i], batch.AsSpan(i * channels * plane, channels * plane));

        using var input = OrtValue.CreateTensorValueFromMemory(batch, [n, channels, _input.Height, _input.Width]);
        using var outputs = _session.Run(_run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        if (logits.Length != n * classes)
            throw new InvalidDataException($"The model '{Path}' gave {logits.Length} values for {n} image(s); expected {classes} (one per class) per image.");
        // the core's softmax kernel over the class axis of [n, classes]
        var probabilities = Tensor.FromArray(logits.ToArray(), n, classes);
        Softmax.Forward(probabilities, probabilities);
        return [.. Enumerable.Range(0, n).Select(i => probabilities.Span.Slice(i * classes, classes).ToArray())];
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
