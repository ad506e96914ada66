using Microsoft.ML.OnnxRuntime;

namespace MLNet.Cnn.Samples.EdgeScoring;

/// <summary>An MLNet.Cnn model in ONNX Runtime: a batch of preprocessed images in, one softmax per image (a classifier) or the raw output out.</summary>
internal sealed class Scorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    private readonly string _file;

    private Scorer(InferenceSession session, string file, ModelDescription model, int threads)
    {
        _session = session;
        _file = file;
        Model = model;
        Threads = threads;
    }

    public ModelDescription Model { get; }

    /// <summary>ONNX Runtime's intra-op threads (one inter-op thread: the graph is a chain).</summary>
    public int Threads { get; }

    /// <summary>Floats per image: C·H·W.</summary>
    public int ImageLength => Model.Channels * Model.Height * Model.Width;

    /// <summary>Loads and checks the model: a missing, unreadable or foreign file is a <see cref="ScoringError"/> naming it.</summary>
    public static Scorer Open(string path, int threads)
    {
        if (!File.Exists(path)) throw new ScoringError($"{path}: no such model file.");
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        InferenceSession session;
        try { session = new InferenceSession(path, options); }
        catch (OnnxRuntimeException e)
        {
            throw new ScoringError($"{path}: not a valid ONNX model (truncated or corrupt?); ONNX Runtime says: {e.Message}", e);
        }
        try { return new Scorer(session, path, ModelDescription.Read(session, path), threads); }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Floats of output per image: K for a classifier, K·H·W for segmentation, A·(5 + K)·(H/s)·(W/s) for detection.</summary>
    public int OutputLength => Model.Task switch
    {
        ModelTask.Classification => Model.ClassNames.Count,
        ModelTask.Segmentation => Model.ClassNames.Count * Model.Height * Model.Width,
        _ => Model.Detection!.AnchorCount * (5 + Model.ClassNames.Count) * GridRows * GridColumns,
    };

    /// <summary>The detection grid's rows and columns (input size / stride).</summary>
    public int GridRows => (int)(Model.Height / Model.Detection!.Stride);
    public int GridColumns => (int)(Model.Width / Model.Detection!.Stride);

    /// <summary>The probabilities of the first <paramref name="count"/> images in <paramref name="pixels"/> (each <see cref="ImageLength"/> floats).</summary>
    public float[][] Score(float[] pixels, int count)
    {
        var logits = Raw(pixels, count);
        int classes = Model.ClassNames.Count;
        var probabilities = new float[count][];
        for (int i = 0; i < count; i++) probabilities[i] = Prediction.Softmax(logits.AsSpan(i * classes, classes));
        return probabilities;
    }

    /// <summary>The model's output for the first <paramref name="count"/> images, <see cref="OutputLength"/> floats each.</summary>
    public float[] Raw(float[] pixels, int count)
    {
        var shape = new long[] { count, Model.Channels, Model.Height, Model.Width };
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, count * ImageLength), shape);
        using var outputs = Run(input);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        if (values.Length != count * OutputLength)
            throw new ScoringError($"{_file}: the model gave {values.Length} values for {count} image(s); expected {OutputLength} per image.");
        return values.ToArray();
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(OrtValue input)
    {
        try { return _session.Run(_run, [ModelDescription.InputName], [input], [ModelDescription.OutputName]); }
        catch (OnnxRuntimeException e) { throw new ScoringError($"{_file}: ONNX Runtime could not run the model: {e.Message}", e); }
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
