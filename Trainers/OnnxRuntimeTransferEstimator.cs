using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Transfer;
using MLNet.Cnn.Transforms;

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
    private readonly OnnxFeatureOutput _backbone;

    public OnnxRuntimeTransferEstimator(IHostEnvironment env, CnnTransferOptions options)
    {
        _env = env;
        _ml = env as MLContext ?? new MLContext();
        // One seed for the head's initialization and its training: the options' own, or one drawn from the MLContext's.
        _options = CnnEstimator.SeedFrom(options, env.Register("CnnTransferOnOnnxRuntime"));
        string path = options.BackbonePath is { } p && p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? p
            : throw new ArgumentException($"{nameof(CnnTransferOptions.BackboneOnOnnxRuntime)} needs an .onnx {nameof(CnnTransferOptions.BackbonePath)}.", nameof(options));
        if (options.Policy is not null && options.Policy != TransferPolicy.Auto && options.Policy != TransferPolicy.FreezeAll)
            throw new ArgumentException($"A backbone run by ONNX Runtime stays frozen; use {nameof(TransferPolicy.FreezeAll)} (or {nameof(TransferPolicy.Auto)}).", nameof(options));
        if (options.Augmentation is not null || options.BatchMixing is not null || options.BackboneNormalization is not null || options.Network is not null)
            throw new ArgumentException($"{nameof(CnnTransferOptions.Augmentation)}, {nameof(CnnTransferOptions.BatchMixing)}, {nameof(CnnTransferOptions.BackboneNormalization)} " +
                $"and {nameof(CnnTransferOptions.Network)} do not apply when ONNX Runtime runs the backbone (its features are computed once, from the pixels as they are).", nameof(options));
        try { _backbone = OnnxFeatureOutput.FromFile(path, options.FeatureLayer, options.FeatureColumnName, FeaturesColumnName); }
        catch (ArgumentException e) { throw new ArgumentException($"{nameof(CnnTransferOptions.FeatureLayer)}: {e.Message}", nameof(options), e); }
        options.CheckGeometry(_backbone.InputDimensions, $"'{Path.GetFileName(path)}'");
    }

    private IEstimator<ITransformer> Backbone() =>
        _ml.Transforms.ApplyOnnxModel([FeaturesColumnName], [_options.FeatureColumnName], new MemoryStream(_backbone.Model));

    /// <summary>The multiclass trainer on the feature column, with every training option of the transfer options.</summary>
    internal CnnMulticlassEstimator Head(ITransformer? backbone) => new(_env, new CnnMulticlassOptions(_options)
    {
        FeatureColumnName = FeaturesColumnName, Channels = _backbone.FeatureCount, Height = 1, Width = 1,
        Network = (_, _, _, classes) => _options.Head.Build("head", _backbone.FeatureCount, classes, _options.Seed),
        ValidationSet = _options.ValidationSet is { } v && backbone is not null ? backbone.Transform(v) : null,
    });

    /// <summary>Drops the backbone's features at the end of the chain: they are internal to it.</summary>
    private IEstimator<ITransformer> DropFeatures() => _ml.Transforms.DropColumns(FeaturesColumnName);

    public CnnPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (AugmentationAnnotation.Find(input.Schema).Count > 0)
            throw new ArgumentException("The pipeline augments the images (mlContext.Transforms.Augment), but a backbone run by ONNX Runtime computes " +
                "its features once, from the pixels as they are; remove the augmentation step or import the backbone into the core " +
                $"({nameof(CnnTransferOptions.BackboneOnOnnxRuntime)} = false).", nameof(input));
        if (input.Schema.GetColumnOrNull(_options.FeatureColumnName) is { } column && ImageInput.KindOf(column.Type) is InputKind.Image or InputKind.EncodedBytes)
            throw new ArgumentException($"The feature column '{_options.FeatureColumnName}' is an image; a backbone run by ONNX Runtime reads the pixel " +
                $"vector its file expects ({string.Join("×", _backbone.InputDimensions)}): put ResizeImages and ExtractPixels before the trainer " +
                $"({nameof(CnnTransferOptions.ImagePixelScale)} does not apply here), or import the backbone into the core.", nameof(input));
        var backbone = Backbone().Fit(input);
        // The features once, in memory: the head trains for many epochs on them.
        var features = _ml.Data.Cache(backbone.Transform(input));
        var head = Head(backbone).Fit(features);
        var drop = DropFeatures().Fit(head.Scoring.Transform(features));
        return new CnnPredictionTransformer(new TransformerChain<ITransformer>(backbone, head.Scoring, drop), head.Model, head.Training,
            input.Schema[_options.FeatureColumnName]);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        Backbone().Append(Head(null)).Append(DropFeatures()).GetOutputSchema(inputSchema);
}
