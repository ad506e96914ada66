using System.Diagnostics;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// The loaded model, its class names and a pool of PredictionEngines over it; one per application, safe to call from any
/// number of requests at once (each takes an engine from the pool for the time of one prediction).
/// </summary>
public sealed class ImageClassifier
{
    private readonly ObjectPool<PredictionEngine<ModelInput, ModelOutput>> _engines;

    private ImageClassifier(string modelPath, string[] classNames, ObjectPool<PredictionEngine<ModelInput, ModelOutput>> engines)
    {
        ModelPath = modelPath;
        ClassNames = classNames;
        _engines = engines;
    }

    /// <summary>The model file that was loaded.</summary>
    public string ModelPath { get; }

    /// <summary>The class names, in the order of the model's scores.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Loads the model at <see cref="ServingOptions.ModelPath"/>, checks that it takes <c>byte[] ImageSource</c> and names its
    /// classes, and builds one engine to prove it scores; throws naming the file and what is wrong.
    /// </summary>
    public static ImageClassifier Load(ServingOptions options)
    {
        string path = Path.GetFullPath(options.ModelPath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' ({ServingOptions.Section}:{nameof(ServingOptions.ModelPath)}) does not exist; train one (see docs/serving.md) or set the path " +
                $"(a relative path is taken from the working directory, {Environment.CurrentDirectory}, which dotnet run sets to the project's folder).", path);
        var ml = new MLContext();
        var model = ml.Model.Load(path, out var inputSchema);
        CheckInput(inputSchema, path);
        var classNames = ModelClassNames.Read(model.GetOutputSchema(inputSchema), path);
        var pool = new DefaultObjectPoolProvider { MaximumRetained = options.PoolSize }.Create(new PredictionEnginePolicy(ml, model));
        pool.Return(pool.Get());
        return new ImageClassifier(path, classNames, pool);
    }

    /// <summary>
    /// The <paramref name="k"/> most probable classes of an encoded image (all classes when k exceeds their number).
    /// Bytes that do not decode throw <see cref="UndecodableImageException"/>.
    /// </summary>
    public ClassificationResponse Classify(byte[] image, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var watch = Stopwatch.StartNew();
        var engine = _engines.Get();
        ModelOutput output;
        try
        {
            output = engine.Predict(new ModelInput { ImageSource = image });
        }
        catch (InvalidOperationException e)
        {
            // The model's first step decodes the bytes and throws this, naming their length and the decoder's message. An
            // engine whose prediction threw half-way is not handed out again: its cursor state is unknown.
            engine.Dispose();
            throw new UndecodableImageException(e.Message, e);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        _engines.Return(engine);
        var top = output.Score.Select((probability, index) => new LabelProbability(ClassNames[index], probability))
            .OrderByDescending(p => p.Probability).Take(k).ToArray();   // a stable sort: ties keep class order
        return new ClassificationResponse(top, watch.Elapsed.TotalMilliseconds);
    }

    private static void CheckInput(DataViewSchema inputSchema, string path)
    {
        var image = inputSchema.GetColumnOrNull(ModelInput.ImageColumnName);
        if (image is not { Type: VectorDataViewType { ItemType: NumberDataViewType item } } || item.RawType != typeof(byte))
            throw new InvalidOperationException($"The model '{path}' takes {(image is null ? "no" : $"a {image.Value.Type}")} column '{ModelInput.ImageColumnName}'; " +
                $"expected encoded image bytes (byte[]), as Model Builder's ImageSource. Its input columns: {string.Join(", ", inputSchema.Select(c => $"{c.Name} ({c.Type})"))}.");
        if (inputSchema.GetColumnOrNull(ModelInput.LabelColumnName) is { Type: not TextDataViewType } label)
            throw new InvalidOperationException($"The model '{path}' takes a '{ModelInput.LabelColumnName}' column of type {label.Type}; this service fills a text label.");
    }
}
