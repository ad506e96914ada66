using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A CNN binary classifier on a Boolean label. The network has two outputs (false, true); the ONNX graph writes the raw
/// score logit(true) − logit(false) as a one-slot vector, and <see cref="BinaryScoreMapping"/> turns it into ML.NET's
/// scalar <c>Score</c>, <c>Probability</c> (= the softmax probability of true) and Boolean <c>PredictedLabel</c>.
/// </summary>
internal sealed class CnnBinaryEstimator(IHostEnvironment env, CnnBinaryOptions options) : CnnEstimator(env, options, "CnnBinary")
{
    private static readonly string[] Names = ["False", "True"];

    protected override int StandInOutputs(SchemaShape.Column label) => 2;
    protected override int Outputs(IBatchSource data) => 2;

    protected override void CheckLabel(DataViewSchema.Column label)
    {
        if (label.Type != BooleanDataViewType.Instance)
            throw new ArgumentException($"The label column '{label.Name}' is {label.Type}; expected Boolean (a binary classifier's label).");
    }

    protected override void CheckLabel(SchemaShape.Column label)
    {
        if (label.ItemType != BooleanDataViewType.Instance || label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentException($"The label column '{label.Name}' is {label.ItemType} ({label.Kind}); expected Boolean (a binary classifier's label).");
    }

    protected override CachedImageSource Read(IDataView data, RowSource rows, DataViewSchema.Column label, IBatchSource? training)
    {
        var labels = new List<int>();
        var cache = RowReader.Read(data, rows, label, cursor =>
        {
            var get = cursor.GetGetter<bool>(label);
            bool value = false;
            return _ => { get(ref value); labels.Add(value ? 1 : 0); };
        });
        return ClassLabels.Source(cache, labels, label.Name, Names, requireTwo: training is null, CacheScale(rows));
    }

    protected override IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label) => Scoring(model, pixelColumn);
    protected override IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label) => Scoring(standIn, pixelColumn);

    private IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn)
    {
        var onnx = new ScoringHead(model, pixelColumn).Margin(RawScoreColumnName).ToBytes();
        var scores = Ml.Transforms.ApplyOnnxModel([RawScoreColumnName], [pixelColumn], new MemoryStream(onnx))
            .Append(Ml.Transforms.CustomMapping(new BinaryScoreMapping().GetMapping(), BinaryScoreMapping.ContractName))
            .Append(Ml.Transforms.DropColumns(RawScoreColumnName));
        var o = (CnnBinaryOptions)Options;
        return OutputColumns.Renamed(Ml, scores, (nameof(BinaryScoreMapping.Output.Score), o.ScoreColumnName),
            (nameof(BinaryScoreMapping.Output.Probability), o.ProbabilityColumnName), (nameof(BinaryScoreMapping.Output.PredictedLabel), o.PredictedLabelColumnName));
    }
}
