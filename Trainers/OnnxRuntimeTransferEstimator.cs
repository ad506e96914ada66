using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Proto;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Transfer learning with the backbone run by ONNX Runtime (<see cref="CnnTransferOptions.BackboneOnOnnxRuntime"/>), for
/// ONNX files the importer cannot handle: ML.NET's own <c>ApplyOnnxModel</c> computes the backbone's output
/// <see cref="CnnTransferOptions.FeatureLayer"/> (a graph output) into a feature column, frozen, and the multiclass CNN
/// trainer trains the head on that column. The fitted chain is the ApplyOnnxModel step followed by the head's scoring
/// steps — built-in ML.NET transformers only, as for the other trainers.
/// </summary>
internal sealed class OnnxRuntimeTransferEstimator : IEstimator<CnnPredictionTransformer>
{
    private const string FeaturesColumnName = "CnnBackboneFeatures";
    private readonly MLContext _ml;
    private readonly IHostEnvironment _env;
    private readonly CnnTransferOptions _options;
    private readonly byte[] _backbone;
    private readonly int _features;

    public OnnxRuntimeTransferEstimator(IHostEnvironment env, CnnTransferOptions options)
    {
        _env = env;
        _ml = env as MLContext ?? new MLContext();
        _options = options;
        string path = options.BackbonePath is { } p && p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? p
            : throw new ArgumentException($"{nameof(CnnTransferOptions.BackboneOnOnnxRuntime)} needs an .onnx {nameof(CnnTransferOptions.BackbonePath)}.", nameof(options));
        if (options.Policy is not null && options.Policy != TransferPolicy.Auto && options.Policy != TransferPolicy.FreezeAll)
            throw new ArgumentException($"A backbone run by ONNX Runtime stays frozen; use {nameof(TransferPolicy.FreezeAll)} (or {nameof(TransferPolicy.Auto)}).", nameof(options));
        if (options.Augmentation is not null || options.BackboneNormalization is not null || options.Network is not null)
            throw new ArgumentException($"{nameof(CnnTransferOptions.Augmentation)}, {nameof(CnnTransferOptions.BackboneNormalization)} and {nameof(CnnTransferOptions.Network)} " +
                "do not apply when ONNX Runtime runs the backbone (its features are computed once, from the pixels as they are).", nameof(options));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var graph = model.Graph;
        var output = graph.Output.FirstOrDefault(o => o.Name == options.FeatureLayer)
            ?? throw new ArgumentException($"{nameof(CnnTransferOptions.FeatureLayer)} must name an output of '{path}' when ONNX Runtime runs it; " +
                $"its outputs are: {string.Join(", ", graph.Output.Select(o => o.Name))}.", nameof(options));
        var dims = output.Type.TensorType.Shape.Dim;
        _features = checked((int)dims.Skip(1).Aggregate(1L, (size, d) => d.DimValue > 0 ? size * d.DimValue
            : throw new ArgumentException($"The output '{output.Name}' of '{path}' has an unknown size; the head needs a known feature count.", nameof(options))));
        // The backbone graph reads the trainer's pixel column and writes the feature column; nothing else is kept as output.
        OnnxGraphEdits.Rename(graph, graph.Input[0].Name, options.FeatureColumnName);
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = FeaturesColumnName, Input = { output.Name }, Output = { FeaturesColumnName } });
        output.Name = FeaturesColumnName;
        graph.Output.Clear();
        graph.Output.Add(output);
        _backbone = model.ToByteArray();
    }

    private IEstimator<ITransformer> Backbone() =>
        _ml.Transforms.ApplyOnnxModel([FeaturesColumnName], [_options.FeatureColumnName], new MemoryStream(_backbone));

    private CnnMulticlassEstimator Head(ITransformer? backbone)
    {
        var o = _options;
        return new CnnMulticlassEstimator(_env, new CnnMulticlassOptions
        {
            FeatureColumnName = FeaturesColumnName, LabelColumnName = o.LabelColumnName, Channels = _features, Height = 1, Width = 1,
            Network = (_, _, _, classes) => CnnTransferEstimator.Head(o, "head", _features, classes),
            Epochs = o.Epochs, BatchSize = o.BatchSize, Seed = o.Seed, LearningRate = o.LearningRate, WeightDecay = o.WeightDecay,
            Optimizer = o.Optimizer, Schedule = o.Schedule, Loss = o.Loss, ValidationFraction = o.ValidationFraction,
            ValidationSet = o.ValidationSet is { } v && backbone is not null ? backbone.Transform(v) : null,
            EarlyStoppingPatience = o.EarlyStoppingPatience, TimeLimit = o.TimeLimit, GradientClipNorm = o.GradientClipNorm,
            Progress = o.Progress, ProgressInterval = o.ProgressInterval,
        });
    }

    public CnnPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var backbone = Backbone().Fit(input);
        // The features once, in memory: the head trains for many epochs on them.
        var features = _ml.Data.Cache(backbone.Transform(input));
        var head = Head(backbone).Fit(features);
        return new CnnPredictionTransformer(new TransformerChain<ITransformer>(backbone, head.Scoring), head.Model, head.Training);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Backbone().Append(Head(null)).GetOutputSchema(inputSchema);
}
