using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A YOLO-style detector as an ML.NET trainer (see <see cref="CnnObjectDetectionOptions"/> for the columns). Training:
/// the rows are read into the pixel cache with their boxes scaled to the network's input (<see cref="DetectionRowReader"/>),
/// anchors come from k-means on those boxes unless given, and the core trains the network with the head's
/// <see cref="YoloLoss"/>. Scoring, with built-in transformers plus one custom mapping:
/// <list type="number">
/// <item>the image steps of <see cref="ImageInput"/> (resize to the network's input, pixels);</item>
/// <item><c>CopyColumns</c> of the image into <see cref="DetectionMapping.ImageColumnName"/> (its size scales the boxes back);</item>
/// <item><c>ApplyOnnxModel</c>: the network, the boxes decoded in the graph ([P, 4]), the class scores σ(obj)·softmax ([P, K])
/// and a constant row of settings (thresholds, detection limit, input size) — <see cref="ScoringHead.YoloDetections"/>,
/// <see cref="ScoringHead.Constants"/>;</item>
/// <item><see cref="DetectionMapping"/>: per-class NMS, <c>PredictedBoundingBoxes</c>, <c>Score</c> and the class indices;</item>
/// <item><c>MapValue</c> (<see cref="ClassIndexToKey.VectorEstimator"/>): <c>PredictedLabel</c>, a vector of keys of the label's key type;</item>
/// <item><c>DropColumns</c> of the internal columns.</item>
/// </list>
/// </summary>
internal sealed class CnnObjectDetectionEstimator : CnnEstimator
{
    private List<GroundTruthBox[]> _trainingObjects = [];
    private YoloHead? _head;

    public CnnObjectDetectionEstimator(IHostEnvironment env, CnnObjectDetectionOptions options) : base(env, Checked(options), "CnnObjectDetection") { }

    /// <summary>The options (with the seed of the current fit, see <see cref="CnnEstimator.Options"/>).</summary>
    private CnnObjectDetectionOptions DetectionOptions => (CnnObjectDetectionOptions)Options;

    private static CnnObjectDetectionOptions Checked(CnnObjectDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Loss is not null)
            throw new ArgumentException($"The detector's loss is the YOLO loss of its head; set {nameof(CnnObjectDetectionOptions.DetectionLoss)} " +
                $"(weights, focal objectness) instead of {nameof(TrainerOptions.Loss)}.", nameof(options));
        if (options.Network is not null)
            throw new ArgumentException($"A detector is built on its head: set {nameof(CnnObjectDetectionOptions.Backbone)} or " +
                $"{nameof(CnnObjectDetectionOptions.Detector)} instead of {nameof(CnnTrainerOptions.Network)}.", nameof(options));
        if (options.Anchors is { } anchors && (anchors.Length == 0 || anchors.Length % 2 != 0))
            throw new ArgumentException($"Anchors holds (width, height) pairs; {anchors.Length} values were given.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.AnchorCount, nameof(options.AnchorCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Stride, nameof(options.Stride));
        ArgumentNullException.ThrowIfNull(options.Decoding, nameof(options.Decoding));
        ArgumentNullException.ThrowIfNull(options.DetectionLoss, nameof(options.DetectionLoss));
        return options;
    }

    protected override YoloHead? DetectionHead => _head;

    protected override void CheckColumns(SchemaShape input)
    {
        DetectionColumns.CheckImage(Find(input, DetectionOptions.FeatureColumnName), DetectionOptions.FeatureColumnName);
        DetectionColumns.CheckLabels(Find(input, DetectionOptions.LabelColumnName), DetectionOptions.LabelColumnName);
        DetectionColumns.CheckBoxes(Find(input, DetectionOptions.BoundingBoxColumnName), DetectionOptions.BoundingBoxColumnName);
    }

    protected override void CheckColumns(DataViewSchema input)
    {
        DetectionColumns.CheckImage(input.GetColumnOrNull(DetectionOptions.FeatureColumnName), DetectionOptions.FeatureColumnName);
        DetectionColumns.CheckLabels(input.GetColumnOrNull(DetectionOptions.LabelColumnName), DetectionOptions.LabelColumnName);
        DetectionColumns.CheckBoxes(input.GetColumnOrNull(DetectionOptions.BoundingBoxColumnName), DetectionOptions.BoundingBoxColumnName);
    }

    protected override void CheckLabel(DataViewSchema.Column label) => DetectionColumns.CheckLabels(label, label.Name);
    protected override void CheckLabel(SchemaShape.Column label) => DetectionColumns.CheckLabels(label, label.Name);

    // The network's outputs and the stand-in are the head's, not a class count: see Train and StandIn.
    protected override int StandInOutputs(SchemaShape.Column label) => throw new NotSupportedException();
    protected override int Outputs(IBatchSource data) => throw new NotSupportedException();

    protected override CachedImageSource Read(IDataView data, RowSource rows, DataViewSchema.Column label, IBatchSource? training)
    {
        var names = KeyLabel.ClassNames(label);
        var trainingNames = training?.Layout.ClassNames ?? names;
        var classOf = names.Select(n => trainingNames.ToList().IndexOf(n)).ToArray();
        var boxes = data.Schema.GetColumnOrNull(DetectionOptions.BoundingBoxColumnName);
        DetectionColumns.CheckBoxes(boxes, DetectionOptions.BoundingBoxColumnName);
        var image = data.Schema[DetectionOptions.FeatureColumnName];
        var objects = new List<GroundTruthBox[]>();
        var reader = new DetectionRowReader(label, boxes!.Value, image, classOf, names, InputShape[2], InputShape[1]);
        var cache = RowReader.Read(data, rows, label, reader.Into(objects), [boxes.Value, image]);
        try
        {
            int most = objects.Max(o => o.Length);
            if (training is null && most == 0)
                throw new ArgumentException($"None of the {objects.Count} training rows has an object in '{label.Name}'; a detector needs boxes to learn from.");
            int maxObjects = training?.Layout.MaxObjects ?? most;
            if (most > maxObjects)
                throw new ArgumentException($"An image has {most} objects; the training images have at most {maxObjects}, the most the trainer holds per image.");
            var layout = SampleLayout.Detection(InputShape[0], InputShape[1], InputShape[2], trainingNames, maxObjects);
            int length = maxObjects * DetectionTargets.RowLength;
            var targets = new float[objects.Count * length];
            for (int i = 0; i < objects.Count; i++) DetectionTargets.Write(objects[i], targets.AsSpan(i * length, length), maxObjects, $"image {i}");
            if (training is null) _trainingObjects = objects;
            return CachedImageSource.WithTargets(cache, layout, targets, CacheScale(rows));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    protected override (CnnModel Model, TrainingResult Result) Train(IBatchSource train, IBatchSource? validation, TrainerOptions trainerOptions, IChannel channel)
    {
        var o = DetectionOptions;
        int c = InputShape[0], h = InputShape[1], w = InputShape[2];
        var head = new YoloHead(o.Anchors ?? Anchors(channel), train.Layout.ClassCount, o.Stride);
        var network = o.Detector?.Invoke(c, h, w, head)
            ?? YoloNetwork.Build(o.Backbone?.Invoke(c, h, w) ?? DetectionBackbones.Small(c, seed: o.Seed), InputShape, head, seed: o.Seed);
        var output = network.OutputShape(new TensorShape(1, c, h, w));
        if (output.Rank != 4 || output[1] != head.Channels || output[2] * o.Stride != h || output[3] * o.Stride != w)
            throw new ArgumentException($"The detector gives {output} for one {c}×{h}×{w} image; its head ({head.AnchorCount} anchors, " +
                $"{head.ClassCount} classes, stride {o.Stride}) needs [1, {head.Channels}, {h / o.Stride}, {w / o.Stride}] (Height and Width multiples of the stride).");
        channel.Info(MessageSensitivity.None, $"Training a detector of {network.ParameterCount:N0} parameters on {train.Count} images {c}×{h}×{w}: " +
            $"{head.AnchorCount} anchors ({string.Join(", ", Enumerable.Range(0, head.AnchorCount).Select(a => $"{head.AnchorWidth(a):0.#}×{head.AnchorHeight(a):0.#}"))}), " +
            $"{head.ClassCount} classes, a {output[2]}×{output[3]} grid of stride {o.Stride}.");
        var result = Trainer.Fit(network, train, validation, trainerOptions with { Loss = new YoloLoss(head, o.DetectionLoss) }, o.CancellationToken);
        _head = head;
        return (new CnnModel(network, InputShape, train.Layout.ClassNames), result);
    }

    /// <summary>k-means anchors of the training boxes (in network pixels), as many as asked or as there are distinct box shapes.</summary>
    private float[] Anchors(IChannel channel)
    {
        var boxes = _trainingObjects.SelectMany(o => o).Where(b => b.X1 > b.X0 && b.Y1 > b.Y0)
            .SelectMany(b => new[] { b.X0, b.Y0, b.X1, b.Y1 }).ToArray();
        int shapes = Enumerable.Range(0, boxes.Length / 4).Select(i => (boxes[4 * i + 2] - boxes[4 * i], boxes[4 * i + 3] - boxes[4 * i + 1])).Distinct().Count();
        if (shapes == 0) throw new ArgumentException("The training boxes all have zero width or height; anchors cannot be fitted to them.");
        int k = Math.Min(DetectionOptions.AnchorCount, shapes);
        var anchors = AnchorKMeans.Fit(boxes, k, DetectionOptions.Seed);
        channel.Info(MessageSensitivity.None, $"Anchors by k-means on {boxes.Length / 4} training boxes: mean best IoU {AnchorKMeans.MeanBestIou(boxes, anchors):0.###}.");
        return anchors;
    }

    protected override CnnModel StandIn(TensorShape shape, SchemaShape.Column label) =>
        new(new Conv2dLayer("shape", shape[0], StandInHead.Channels, 1), shape, ["0"]);

    /// <summary>The stand-in network's head: one anchor, one class, stride 1 (the schema does not depend on them).</summary>
    private static readonly YoloHead StandInHead = new([1f, 1f], 1, 1);

    protected override IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label) =>
        Scoring(model, _head ?? throw new InvalidOperationException("The detector has not been trained."), pixelColumn,
            new ClassIndexToKey(Ml, DetectionMapping.PredictedLabelColumnName, KeyLabel.ValuesType(label), KeyLabel.Values(label), KeyLabel.Count(label)));

    protected override IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label)
    {
        var itemType = Find(label.Annotations, KeyLabel.KeyValuesKind)?.ItemType;
        var placeholder = itemType is null ? null : itemType is TextDataViewType ? new[] { "0" } : Array.CreateInstance(itemType.RawType, 1);
        return Scoring(standIn, StandInHead, pixelColumn, new ClassIndexToKey(Ml, DetectionMapping.PredictedLabelColumnName, itemType, placeholder, 1));
    }

    private IEstimator<ITransformer> Scoring(CnnModel model, YoloHead head, string pixelColumn, ClassIndexToKey toKey)
    {
        var onnx = new ScoringHead(model, pixelColumn)
            .YoloDetections(head, DetectionMapping.BoxesColumnName, DetectionMapping.ScoresColumnName)
            .Constants(DetectionMapping.SettingsColumnName, DetectionMapping.Settings(DetectionOptions.Decoding, model.InputShape[2], model.InputShape[1]))
            .ToBytes();
        IEstimator<ITransformer>[] Steps(IEstimator<ITransformer> mapping) =>
        [
            Ml.Transforms.CopyColumns(DetectionMapping.ImageColumnName, DetectionOptions.FeatureColumnName),
            Ml.Transforms.ApplyOnnxModel([DetectionMapping.BoxesColumnName, DetectionMapping.ScoresColumnName, DetectionMapping.SettingsColumnName],
                [pixelColumn], new MemoryStream(onnx)),
            mapping,
            toKey.VectorEstimator(),
            Ml.Transforms.DropColumns(DetectionMapping.ImageColumnName, DetectionMapping.BoxesColumnName,
                DetectionMapping.ScoresColumnName, DetectionMapping.SettingsColumnName),
            .. OutputColumns.Renaming(Ml, (DetectionMapping.PredictedLabelColumnName, DetectionOptions.PredictedLabelColumnName),
                (DetectionMapping.PredictedBoxesColumnName, DetectionOptions.PredictedBoundingBoxColumnName),
                (DetectionMapping.ScoreColumnName, DetectionOptions.ScoreColumnName)),
        ];
        // The mapping reads the image, which its estimator's schema check refuses (see StepwiseEstimator).
        var shape = Steps(Ml.Transforms.CustomMapping<DetectionMapping.SchemaTwin, DetectionMapping.Output>((_, _) => { }, contractName: null));
        return new StepwiseEstimator(Steps(Ml.Transforms.CustomMapping(new DetectionMapping().GetMapping(), DetectionMapping.ContractName)),
            shape.Aggregate(new EstimatorChain<ITransformer>(), (chain, step) => chain.Append(step)));
    }
}
