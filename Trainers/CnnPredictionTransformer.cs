using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// What a CNN trainer's <c>Fit</c> returns: the scoring chain of built-in ML.NET transformers (see docs/architecture.md),
/// plus the trained network (<see cref="Model"/>: export it, featurize with it, save it as a <c>.cnn</c> file) and the
/// training history (<see cref="Training"/>). Everything an <see cref="ITransformer"/> does is the chain's, saving included:
/// <c>mlContext.Model.Save</c> writes the chain, so <c>Model.Load</c> gives back that chain of built-in transformers
/// (this wrapper, with <see cref="Model"/> and <see cref="Training"/>, exists only in the process that trained).
/// As ML.NET's prediction transformers, it is an <see cref="ISingleFeaturePredictionTransformer{TModel}"/>, which
/// <c>PermutationFeatureImportance</c> takes (per pixel, for a pixel-vector feature column).
/// </summary>
public sealed class CnnPredictionTransformer : ISingleFeaturePredictionTransformer<CnnModel>
{
    internal CnnPredictionTransformer(ITransformer scoring, CnnModel model, TrainingResult training, DataViewSchema.Column features,
        YoloHead? detectionHead = null)
    {
        Scoring = scoring;
        Model = model;
        Training = training;
        FeatureColumnName = features.Name;
        FeatureColumnType = features.Type;
        DetectionHead = detectionHead;
    }

    /// <summary>The chain of built-in transformers that scores (ApplyOnnxModel and the label-mapping steps).</summary>
    public ITransformer Scoring { get; }

    /// <summary>The trained network with its input shape and class names.</summary>
    public CnnModel Model { get; }

    /// <summary>
    /// The detector's head (anchors, classes, stride: how <see cref="Model"/>'s output [N, A·(5 + K), H, W] decodes, e.g. with
    /// <see cref="YoloDecoder"/>); null for the other tasks.
    /// </summary>
    public YoloHead? DetectionHead { get; }

    /// <summary>Why training stopped, the per-epoch losses and accuracies, images per second.</summary>
    public TrainingResult Training { get; }

    /// <summary>The CNN of a fitted pipeline (searched through nested transformer chains), or null when it has none.</summary>
    public static CnnPredictionTransformer? Find(ITransformer model) => model switch
    {
        CnnPredictionTransformer cnn => cnn,
        IEnumerable<ITransformer> chain => chain.Select(Find).LastOrDefault(found => found is not null),
        _ => null,
    };

    /// <summary>The column the network reads: the trainer's feature column (pixels, an image or image bytes).</summary>
    public string FeatureColumnName { get; }

    /// <summary>The type of <see cref="FeatureColumnName"/> in the data the transformer was fitted on.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>Whether <see cref="Scoring"/> maps row to row (it does: every step is a row mapper).</summary>
    public bool IsRowToRowMapper => Scoring.IsRowToRowMapper;

    /// <summary>The schema the scoring chain writes for <paramref name="inputSchema"/>.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Scoring.GetOutputSchema(inputSchema);

    /// <summary>The scoring chain's row-to-row mapper (what a <c>PredictionEngine</c> uses).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Scoring.GetRowToRowMapper(inputSchema);

    /// <summary>Scores <paramref name="input"/> with the scoring chain (lazily, as ML.NET's transformers do).</summary>
    public IDataView Transform(IDataView input) => Scoring.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => Scoring.Save(ctx);
}
