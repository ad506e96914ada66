using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Semantic segmentation as an ML.NET trainer (see <see cref="CnnSegmentationOptions"/> for the columns). Training reads
/// the images into the pixel cache and the masks, resized to the network's input by nearest neighbour, as class maps
/// (ignored pixels −1, the layout's ignore label); the core trains with pixel-wise cross-entropy. Scoring is built-in
/// transformers only: <c>ApplyOnnxModel</c> (the network, a softmax over the classes → <c>Score</c>, an arg-max per pixel),
/// then <c>MapValue</c> and <c>MapValueToKey</c> (<see cref="ClassIndexToKey.VectorEstimator"/>) → <c>PredictedLabel</c>,
/// a vector of keys whose values are the class names.
/// </summary>
internal sealed class CnnSegmentationEstimator(IHostEnvironment env, CnnSegmentationOptions options)
    : CnnEstimator(env, options, "CnnSegmentation")
{
    /// <summary>The class-map value of ignored pixels in the training source (no class index is negative).</summary>
    private const int Ignore = -1;

    private string ScoreColumnName => Options.ScoreColumnName;
    private string PredictedLabelColumnName => options.PredictedLabelColumnName;

    protected override void CheckLabel(DataViewSchema.Column label) => MaskColumn.Of(label, label.Name);
    protected override void CheckLabel(SchemaShape.Column label) => MaskColumn.Check(label, label.Name);

    // The network's outputs and the stand-in are per pixel: see Train and StandIn.
    protected override int StandInOutputs(SchemaShape.Column label) => throw new NotSupportedException();
    protected override int Outputs(IBatchSource data) => throw new NotSupportedException();

    protected override CachedImageSource Read(IDataView data, RowSource rows, DataViewSchema.Column label, IBatchSource? training)
    {
        var mask = MaskColumn.Of(label, label.Name);
        var names = training?.Layout.ClassNames ?? mask.KeyClassNames ?? options.ClassNames;
        if (options.IgnoreLabel is { } ignored && names is not null && ignored >= 0 && ignored < names.Count)
            throw new ArgumentException($"IgnoreLabel {ignored} is a class index (0 … {names.Count - 1}); choose a value outside them, e.g. 255.");
        var image = Sizes(data);
        var maps = new List<int[]>();
        var cache = RowReader.Read(data, rows, label, cursor =>
        {
            var read = mask.Reader(cursor, options.IgnoreLabel, Ignore);
            var size = image.Of(cursor);
            return row => maps.Add(Resized(row, read(), size(row), label.Name, names?.Count));
        }, image.Columns);
        try
        {
            names ??= Enumerable.Range(0, Math.Max(2, maps.SelectMany(m => m).DefaultIfEmpty(0).Max() + 1)).Select(k => $"{k}").ToArray();
            var layout = SampleLayout.Segmentation(InputShape[0], InputShape[1], InputShape[2], names, Ignore);
            var targets = new float[maps.Count * InputShape[1] * InputShape[2]];
            for (int i = 0, p = 0; i < maps.Count; i++)
                foreach (int value in maps[i]) targets[p++] = value;
            return CachedImageSource.WithTargets(cache, layout, targets, CacheScale(rows));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>How the size of each row's image is read: from the MLImage (the user's, or the decoded bytes), or the network's input for pixel vectors.</summary>
    private (DataViewSchema.Column[] Columns, Func<DataViewRowCursor, Func<long, (int Width, int Height)>> Of) Sizes(IDataView data)
    {
        var column = data.Schema.GetColumnOrNull(EncodedImageMapping.DecodedColumnName) ?? data.Schema[options.FeatureColumnName];
        if (column.Type is not Microsoft.ML.Transforms.Image.ImageDataViewType)
            return ([], _ => _ => (InputShape[2], InputShape[1]));
        return ([column], cursor =>
        {
            var get = cursor.GetGetter<MLImage>(column);
            MLImage picture = null!;
            return row =>
            {
                get(ref picture);
                if (picture is not { Width: > 0, Height: > 0 })
                    throw new InvalidOperationException($"Row {row}: the image column '{options.FeatureColumnName}' holds no image (an empty or missing image file).");
                return (picture.Width, picture.Height);
            };
        });
    }

    /// <summary>
    /// The mask of one row checked against its image's size and the classes, resized to the network's input by nearest
    /// neighbour at pixel centres (source pixel ⌊(x + ½)·W / w⌋, as PyTorch's "nearest-exact").
    /// </summary>
    private int[] Resized(long row, int[] mask, (int Width, int Height) image, string column, int? classes)
    {
        if (mask.Length != image.Width * image.Height)
            throw new InvalidOperationException($"Row {row}: the mask column '{column}' has {mask.Length} values; its image is {image.Width}×{image.Height} = " +
                $"{image.Width * image.Height} pixels, one class per pixel.");
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] != Ignore && classes is { } k && mask[i] >= k)
                throw new InvalidOperationException($"Row {row}: pixel {i} of the mask column '{column}' is class {mask[i]}; the classes are 0 … {k - 1}" +
                    (options.IgnoreLabel is { } ignored ? $" (and {ignored}, ignored)." : "."));
        int h = InputShape[1], w = InputShape[2];
        if (image.Width == w && image.Height == h) return mask;
        var resized = new int[h * w];
        for (int y = 0; y < h; y++)
        {
            int sourceY = Math.Min(image.Height - 1, (int)((y + 0.5) * image.Height / h));
            for (int x = 0; x < w; x++)
                resized[y * w + x] = mask[sourceY * image.Width + Math.Min(image.Width - 1, (int)((x + 0.5) * image.Width / w))];
        }
        return resized;
    }

    protected override (CnnModel Model, TrainingResult Result) Train(IBatchSource train, IBatchSource? validation, TrainerOptions trainerOptions, IChannel channel)
    {
        int c = InputShape[0], h = InputShape[1], w = InputShape[2], classes = train.Layout.ClassCount;
        Layer network;
        if (options.Network is { } build)
        {
            network = build(c, h, w, classes);
            Initializer.Initialize(network, Options.Seed);
        }
        else network = SegmentationNetworks.UNet(options.Backbone?.Invoke(c, h, w) ?? DetectionBackbones.Small(c, stages: 3, seed: Options.Seed), InputShape, classes, seed: Options.Seed);
        channel.Info(MessageSensitivity.None, $"Training a segmentation network of {network.ParameterCount:N0} parameters on {train.Count} images {c}×{h}×{w}, {classes} classes.");
        var result = Trainer.Fit(network, train, validation, trainerOptions, options.CancellationToken);
        return (new CnnModel(network, InputShape, train.Layout.ClassNames), result);
    }

    protected override CnnModel StandIn(TensorShape shape, SchemaShape.Column label) => new(new Conv2dLayer("shape", shape[0], 1, 1), shape, ["0"]);

    protected override IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label)
    {
        var mask = MaskColumn.Of(label, label.Name);
        var names = model.ClassNames.ToArray();
        // A key mask gives its key values' type back; a byte mask has the class names as text.
        var toKey = mask.IsKey
            ? new ClassIndexToKey(Ml, PredictedLabelColumnName, KeyLabel.ValuesType(label), KeyLabel.Values(label), names.Length)
            : new ClassIndexToKey(Ml, PredictedLabelColumnName, TextDataViewType.Instance, names, names.Length);
        return Scoring(model, pixelColumn, toKey);
    }

    protected override IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label)
    {
        var itemType = label.IsKey ? Find(label.Annotations, KeyLabel.KeyValuesKind)?.ItemType : TextDataViewType.Instance;
        var placeholder = itemType is null ? null : itemType is TextDataViewType ? new[] { "0" } : Array.CreateInstance(itemType.RawType, 1);
        return Scoring(standIn, pixelColumn, new ClassIndexToKey(Ml, PredictedLabelColumnName, itemType, placeholder, 1));
    }

    private IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, ClassIndexToKey toKey)
    {
        int classes = model.ClassNames.Count;
        var onnx = new ScoringHead(model, pixelColumn).PixelProbabilities(ScoreColumnName, classes).PixelClasses(PredictedLabelColumnName, classes).ToBytes();
        return Ml.Transforms.ApplyOnnxModel([ScoreColumnName, PredictedLabelColumnName], [pixelColumn], new MemoryStream(onnx))
            .Append(toKey.VectorEstimator());
    }
}
