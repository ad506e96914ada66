using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A CNN classifier on a key label: the ONNX graph writes <c>Score</c> (Softmax of the logits: the class probabilities,
/// float [K]) and the class index (ArgMax), which <see cref="ClassIndexToKey"/> turns into <c>PredictedLabel</c>, a key of
/// the label's key type.
/// </summary>
internal class CnnMulticlassEstimator : CnnEstimator
{
    private readonly int? _tenCropPadding;

    public CnnMulticlassEstimator(IHostEnvironment env, CnnMulticlassOptions options)
        : this(env, options, options.TenCropPadding, "CnnMulticlass") { }

    /// <summary>For classifiers that build their network differently (the transfer trainer) but score the same way.</summary>
    protected CnnMulticlassEstimator(IHostEnvironment env, CnnClassificationOptions options, int? tenCropPadding, string name,
        TensorShape? inputShape = null, string inputShapeSource = "from the options")
        : base(env, options, name, inputShape, inputShapeSource)
    {
        _tenCropPadding = tenCropPadding;
    }

    private string ScoreColumnName => Options.ScoreColumnName;
    private string PredictedLabelColumnName => ((CnnClassificationOptions)Options).PredictedLabelColumnName;

    protected override int StandInOutputs(SchemaShape.Column label) => 1;
    protected override int Outputs(IBatchSource data) => data.Layout.ClassCount;
    protected override void CheckLabel(DataViewSchema.Column label) => KeyLabel.Check(label);
    protected override void CheckLabel(SchemaShape.Column label) => KeyLabel.Check(label);

    protected override CachedImageSource Read(IDataView data, RowSource rows, DataViewSchema.Column label, IBatchSource? training)
    {
        var names = KeyLabel.ClassNames(label);
        var trainingNames = training?.Layout.ClassNames ?? names;
        // Class i of this column is the training class of the same name; unseen names are refused row by row.
        var classOf = names.Select(n => trainingNames.ToList().IndexOf(n)).ToArray();
        var labels = new List<int>();
        var cache = RowReader.Read(data, rows, label, KeyLabel.Reader(label, labels, classOf, names));
        return ClassLabels.Source(cache, labels, label.Name, trainingNames, requireTwo: training is null, CacheScale(rows));
    }

    protected override IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label) =>
        Scoring(model, pixelColumn, new ClassIndexToKey(Ml, PredictedLabelColumnName, KeyLabel.ValuesType(label), KeyLabel.Values(label), KeyLabel.Count(label)));

    protected override IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label)
    {
        var itemType = Find(label.Annotations, KeyLabel.KeyValuesKind)?.ItemType;
        var placeholder = itemType is null ? null : itemType is TextDataViewType ? new[] { "0" } : Array.CreateInstance(itemType.RawType, 1);
        return Scoring(standIn, pixelColumn, new ClassIndexToKey(Ml, PredictedLabelColumnName, itemType, placeholder, 1));
    }

    private IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, ClassIndexToKey toKey)
    {
        var head = new ScoringHead(model, pixelColumn);
        // Score: softmax of the logits, or the probabilities averaged over ten crops, its slots named by the classes in key
        // order (as ML.NET's multiclass trainers name them); PredictedLabel: the most probable class.
        var score = _tenCropPadding is { } padding ? head.TenCropProbabilities(ScoreColumnName, padding) : head.Probabilities(ScoreColumnName);
        var onnx = score.SlotNames(ScoreColumnName, model.ClassNames).ArgMax(PredictedLabelColumnName, ScoreColumnName).ToBytes();
        return Ml.Transforms.ApplyOnnxModel([ScoreColumnName, PredictedLabelColumnName], [pixelColumn], new MemoryStream(onnx))
            .Append(toKey.Estimator());
    }
}
