using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Trains a CNN on a pixel vector column and a key label, and returns a chain of built-in ML.NET transformers:
/// <c>ApplyOnnxModel</c> (the trained network as ONNX, writing <c>Score</c> and the class index) followed by
/// <c>MapValue</c> (class index → the label's key, with the label's key values). ML.NET saves and loads both itself.
/// </summary>
internal sealed class CnnMulticlassEstimator : IEstimator<ITransformer>
{
    public const string ScoreColumnName = "Score", PredictedLabelColumnName = "PredictedLabel";
    private const string KeyValuesKind = "KeyValues";

    private readonly IHostEnvironment _env;
    private readonly MLContext _ml;
    private readonly CnnMulticlassOptions _options;

    public CnnMulticlassEstimator(IHostEnvironment env, CnnMulticlassOptions options)
    {
        _env = env;
        _ml = env as MLContext ?? new MLContext();
        _options = options;
        if (options.Channels <= 0 || options.Height <= 0 || options.Width <= 0)
            throw new ArgumentException($"Channels, Height and Width must be positive; {options.Channels}×{options.Height}×{options.Width} was given.", nameof(options));
    }

    private int ImageSize => _options.Channels * _options.Height * _options.Width;
    private string Geometry => $"{ImageSize} = {_options.Channels}×{_options.Height}×{_options.Width} (channels × height × width from the options)";

    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (features, label) = CheckColumns(input.Schema);
        var data = Read(input, features, label, out int classes);

        var o = _options;
        var network = o.Network?.Invoke(o.Channels, o.Height, o.Width, classes) ?? LeNet5.Build(o.Channels, o.Height, o.Width, classes);
        Initializer.Initialize(network, o.Seed);
        var host = _env.Register("CnnMulticlass");
        using (var channel = host.Start("Training"))
        {
            Info(channel, $"Training a CNN on {data.Count} images {o.Channels}×{o.Height}×{o.Width}, {classes} classes.");
            var result = Trainer.Fit(network, data, null, new TrainerOptions
            {
                Epochs = o.Epochs, BatchSize = o.BatchSize, Seed = o.Seed, ValidationFraction = o.ValidationFraction,
                Optimizer = parameters => new AdamW(parameters, learningRate: o.LearningRate),
                ProgressInterval = o.ProgressInterval,
                Progress = new LogProgress(channel, o.Progress),
            });
            if (result.StopReason != StopReason.Completed) channel.Warning(MessageSensitivity.None, $"Training stopped early: {result.Message}");
        }

        var model = new CnnModel(network, new TensorShape(o.Channels, o.Height, o.Width), data.ClassNames);
        return Scoring(ScoringGraph.Build(model, o.FeatureColumnName, ScoreColumnName, PredictedLabelColumnName), label).Fit(input);
    }

    /// <summary>The built-in estimators that score with the ONNX graph and turn the class index into the label's key.</summary>
    private IEstimator<ITransformer> Scoring(byte[] onnx, DataViewType? keyValuesItemType, Func<Array?> keyValues, int classes)
    {
        var apply = _ml.Transforms.ApplyOnnxModel([ScoreColumnName, PredictedLabelColumnName], [_options.FeatureColumnName], new MemoryStream(onnx));
        return apply.Append(ToKey(keyValuesItemType, keyValues, classes));
    }

    private IEstimator<ITransformer> Scoring(byte[] onnx, DataViewSchema.Column label)
    {
        var itemType = (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind)?.Type as VectorDataViewType)?.ItemType;
        int classes = checked((int)((KeyDataViewType)label.Type).Count);
        return Scoring(onnx, itemType, () => itemType is null ? null : ReadKeyValues(label, itemType), classes);
    }

    private static Array ReadKeyValues(DataViewSchema.Column label, DataViewType itemType) =>
        (Array)typeof(CnnMulticlassEstimator).GetMethod(nameof(ReadKeyValuesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(itemType.RawType).Invoke(null, [label])!;

    private static T[] ReadKeyValuesOf<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(KeyValuesKind, ref values);
        return values.DenseValues().ToArray();
    }

    /// <summary>
    /// Class index → the label's key. OnnxTransformer writes every tensor output as a vector (its getter for a rank-0
    /// output expects an ONNX sequence of maps and fails), so the index arrives as an int64 vector of one slot. Built-in
    /// steps then make it a scalar key: Hash with <c>combine</c> (the one built-in transform that turns a vector into a
    /// scalar), ConvertType to uint, and MapValue(hash of class i → key value i, treatValuesAsKeyType), whose output is a
    /// key with the label's key values in the label's order; without key values, class i maps to key i + 1.
    /// </summary>
    private IEstimator<ITransformer> ToKey(DataViewType? itemType, Func<Array?> keyValues, int classes)
    {
        var hashes = IndexHashes(classes);
        var values = keyValues();
        IEstimator<ITransformer> map;
        if (itemType is null || values is null)
            map = MapIndex(hashes, Enumerable.Range(1, classes).Select(i => (uint)i).ToArray());
        else if (itemType is TextDataViewType)
            map = MapIndex(hashes, ((ReadOnlyMemory<char>[])values).Select(v => v.ToString()).ToArray());
        else
            map = (IEstimator<ITransformer>)typeof(CnnMulticlassEstimator).GetMethod(nameof(MapIndex), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(itemType.RawType).Invoke(this, [hashes, values])!;
        return IndexToHash().Append(map);
    }

    private const uint HashSeed = 314489979;

    private IEstimator<ITransformer> IndexToHash() =>
        _ml.Transforms.Conversion.Hash(new Microsoft.ML.Transforms.HashingEstimator.ColumnOptions(
                PredictedLabelColumnName, PredictedLabelColumnName, numberOfBits: 31, seed: HashSeed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: true))
            .Append(_ml.Transforms.Conversion.ConvertType(PredictedLabelColumnName, PredictedLabelColumnName, DataKind.UInt32));

    private sealed class IndexRow
    {
        [VectorType(1)] public long[] PredictedLabel { get; set; } = [];
    }

    /// <summary>The value <see cref="IndexToHash"/> gives for each class index, computed by running it; they must differ.</summary>
    private uint[] IndexHashes(int classes)
    {
        var rows = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(i => new IndexRow { PredictedLabel = [i] }));
        var hashes = IndexToHash().Fit(rows).Transform(rows).GetColumn<uint>(PredictedLabelColumnName).ToArray();
        if (hashes.Distinct().Count() != classes)
            throw new InvalidOperationException($"Two of the {classes} class indices hash to the same value; this trainer cannot map them to keys.");
        return hashes;
    }

    private IEstimator<ITransformer> MapIndex<T>(uint[] hashes, T[] values) =>
        _ml.Transforms.Conversion.MapValue(PredictedLabelColumnName,
            values.Select((v, i) => new KeyValuePair<uint, T>(hashes[i], v)), PredictedLabelColumnName, treatValuesAsKeyType: true);

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        if (Find(inputSchema, o.FeatureColumnName) is not { } features)
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data; expected a float vector of {Geometry}.", nameof(inputSchema));
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.ItemType} ({features.Kind}); expected a known-size float vector of {Geometry}.", nameof(inputSchema));
        if (Find(inputSchema, o.LabelColumnName) is not { } label)
            throw new ArgumentException($"The label column '{o.LabelColumnName}' is not in the data; expected a key column (use Transforms.Conversion.MapValueToKey).", nameof(inputSchema));
        if (!label.IsKey)
            throw new ArgumentException($"The label column '{o.LabelColumnName}' is {label.ItemType}; expected a key type (use Transforms.Conversion.MapValueToKey).", nameof(inputSchema));

        // SchemaShape.Column cannot be built outside ML.NET: the shape comes from the same built-in estimators Fit
        // returns, here over a one-class stand-in network (the shape does not depend on the weights or the class count).
        var standIn = new Sequential("shape", new FlattenLayer("flatten"), new DenseLayer("fc", ImageSize, 1));
        var model = new CnnModel(standIn, new TensorShape(o.Channels, o.Height, o.Width), ["0"]);
        var itemType = Find(label.Annotations, KeyValuesKind)?.ItemType;
        Func<Array?> placeholder = () => itemType is null ? null : Array.CreateInstance(itemType.RawType, 1);
        return Scoring(ScoringGraph.Build(model, o.FeatureColumnName, ScoreColumnName, PredictedLabelColumnName), itemType, placeholder, 1)
            .GetOutputSchema(inputSchema);
    }

    private (DataViewSchema.Column Features, DataViewSchema.Column Label) CheckColumns(DataViewSchema schema)
    {
        var o = _options;
        var features = schema.GetColumnOrNull(o.FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is not in the data (columns: {string.Join(", ", schema.Select(c => c.Name))}); " +
                                           $"expected a float vector of {Geometry}.");
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType single } vector || single != NumberDataViewType.Single || vector.Size != ImageSize)
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' is {features.Type}" +
                $"{(features.Type is VectorDataViewType v ? $" of size {v.Size}" : "")}; expected a float vector of {Geometry}.");
        var label = schema.GetColumnOrNull(o.LabelColumnName)
            ?? throw new ArgumentException($"The label column '{o.LabelColumnName}' is not in the data (columns: {string.Join(", ", schema.Select(c => c.Name))}); " +
                                           "expected a key column (use Transforms.Conversion.MapValueToKey).");
        if (label.Type is not KeyDataViewType key)
            throw new ArgumentException($"The label column '{o.LabelColumnName}' is {label.Type}; expected a key type (use Transforms.Conversion.MapValueToKey).");
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentException($"The label column '{o.LabelColumnName}' is a key of {key.Count} values; a classifier needs at least 2 classes.");
        return (features, label);
    }

    /// <summary>All rows into memory as an ImageDataset; class i is key i + 1.</summary>
    private ImageDataset Read(IDataView input, DataViewSchema.Column features, DataViewSchema.Column label, out int classes)
    {
        var o = _options;
        classes = (int)((KeyDataViewType)label.Type).Count;
        var pixels = new List<float>();
        var labels = new List<int>();
        using (var cursor = input.GetRowCursor([features, label]))
        {
            var getPixels = cursor.GetGetter<VBuffer<float>>(features);
            var getLabel = cursor.GetGetter<uint>(label);
            VBuffer<float> buffer = default;
            uint key = 0;
            long row = 0;
            while (cursor.MoveNext())
            {
                getPixels(ref buffer);
                getLabel(ref key);
                if (key == 0)
                    throw new InvalidOperationException($"Row {row}: the label column '{o.LabelColumnName}' has a missing value (a value the key mapping did not know).");
                int start = pixels.Count;
                pixels.AddRange(buffer.DenseValues());
                var span = CollectionsMarshal.AsSpan(pixels)[start..];
                int bad = IndexOfNonFinite(span);
                if (bad >= 0)
                    throw new InvalidOperationException($"Row {row}: the feature column '{o.FeatureColumnName}' has the value {span[bad]} at index {bad}; pixels must be finite.");
                labels.Add((int)key - 1);
                row++;
            }
        }
        if (labels.Count == 0) throw new InvalidOperationException("The training data has no rows.");
        return new ImageDataset(pixels.ToArray(), labels.ToArray(), o.Channels, o.Height, o.Width, ClassNames(label, classes));
    }

    private static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape) if (column.Name == name) return column;
        return null;
    }

    private static void Info(IChannel channel, string message) =>
        channel.Info(MessageSensitivity.None, message);

    private static int IndexOfNonFinite(ReadOnlySpan<float> span)
    {
        for (int i = 0; i < span.Length; i++) if (!float.IsFinite(span[i])) return i;
        return -1;
    }

    private static string[] ClassNames(DataViewSchema.Column label, int classes)
    {
        var itemType = (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind)?.Type as VectorDataViewType)?.ItemType;
        var values = itemType is null ? null : ReadKeyValues(label, itemType);
        return Enumerable.Range(0, classes).Select(i => values is not null && i < values.Length ? values.GetValue(i)?.ToString() ?? $"{i + 1}" : $"{i + 1}").ToArray();
    }

    /// <summary>Forwards progress to the user's callback and writes every epoch end to MLContext.Log.</summary>
    private sealed class LogProgress(IChannel channel, IProgress<TrainingProgress>? user) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.IsEpochEnd) Info(channel, value.ToString());
            user?.Report(value);
        }
    }
}
