using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// A CNN regression on a float label (one value) or a known-size float vector label (T values). With one value the
/// network's output leaves ONNX as a one-slot vector and <see cref="RegressionScoreMapping"/> makes it the scalar
/// <c>Score</c> of ML.NET's regression trainers; with T values <c>Score</c> is the float vector [T] itself.
/// </summary>
internal sealed class CnnRegressionEstimator(IHostEnvironment env, CnnRegressionOptions options) : CnnEstimator(env, options, "CnnRegression")
{
    protected override int StandInOutputs(SchemaShape.Column label) => label.Kind == SchemaShape.Column.VectorKind.Scalar ? 1 : 2;
    protected override int Outputs(IBatchSource data) => data.Layout.TargetCount;

    protected override void CheckLabel(DataViewSchema.Column label)
    {
        bool single = label.Type == NumberDataViewType.Single
            || label.Type is VectorDataViewType { Size: > 0 } vector && vector.ItemType == NumberDataViewType.Single;
        if (!single)
            throw new ArgumentException($"The label column '{label.Name}' is {label.Type}; expected a float (Single) or a known-size float vector.");
    }

    protected override void CheckLabel(SchemaShape.Column label)
    {
        if (label.ItemType != NumberDataViewType.Single || label.Kind == SchemaShape.Column.VectorKind.VariableVector)
            throw new ArgumentException($"The label column '{label.Name}' is {label.ItemType} ({label.Kind}); expected a float (Single) or a known-size float vector.");
    }

    protected override CachedImageSource Read(IDataView data, RowSource rows, DataViewSchema.Column label, IBatchSource? training)
    {
        int count = label.Type is VectorDataViewType vector ? vector.Size : 1;
        if (training is not null && training.Layout.TargetCount != count)
            throw new ArgumentException($"The label column '{label.Name}' has {count} values per row; the training data has {training.Layout.TargetCount}.");
        var targets = new List<float>();
        var cache = RowReader.Read(data, rows, label, cursor =>
        {
            Action<long> read;
            if (count == 1 && label.Type is not VectorDataViewType)
            {
                var get = cursor.GetGetter<float>(label);
                float value = 0;
                read = _ => { get(ref value); targets.Add(value); };
            }
            else
            {
                var get = cursor.GetGetter<VBuffer<float>>(label);
                VBuffer<float> values = default;
                read = _ => { get(ref values); targets.AddRange(values.DenseValues()); };
            }
            return row =>
            {
                read(row);
                for (int i = targets.Count - count; i < targets.Count; i++)
                    if (!float.IsFinite(targets[i]))
                        throw new InvalidOperationException($"Row {row}: the label column '{label.Name}' has the value {targets[i]}; regression targets must be finite.");
            };
        });
        try { return CachedImageSource.Regression(cache, targets.ToArray(), count, CacheScale(rows)); }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    protected override IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, DataViewSchema.Column label) =>
        Scoring(model, pixelColumn, scalar: label.Type is not VectorDataViewType);

    protected override IEstimator<ITransformer> Scoring(CnnModel standIn, string pixelColumn, SchemaShape.Column label) =>
        Scoring(standIn, pixelColumn, scalar: label.Kind == SchemaShape.Column.VectorKind.Scalar);

    private IEstimator<ITransformer> Scoring(CnnModel model, string pixelColumn, bool scalar)
    {
        string output = scalar ? RawScoreColumnName : Options.ScoreColumnName;
        var onnx = new ScoringHead(model, pixelColumn).Logits(output).ToBytes();
        var apply = Ml.Transforms.ApplyOnnxModel([output], [pixelColumn], new MemoryStream(onnx));
        if (!scalar) return apply;
        var score = apply.Append(Ml.Transforms.CustomMapping(new RegressionScoreMapping().GetMapping(), RegressionScoreMapping.ContractName))
            .Append(Ml.Transforms.DropColumns(RawScoreColumnName));
        return OutputColumns.Renamed(Ml, score, (nameof(RegressionScoreMapping.Output.Score), Options.ScoreColumnName));
    }
}
