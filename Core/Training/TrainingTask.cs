using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// What <see cref="Trainer"/> does differently for classification and regression: the width of the network's output,
/// the default loss, and the metric reported beside the loss (accuracy, or mean absolute error).
/// </summary>
internal abstract class TrainingTask
{
    public static TrainingTask For(SampleLayout data) =>
        data.IsRegression ? new Regression(data.TargetCount) : new Classification(data.ClassCount);

    /// <summary>Columns of the network's output [batch, OutputWidth]: one logit per class, or one value per target.</summary>
    public abstract int OutputWidth { get; }

    /// <summary>The network the data asks for, in errors: "a classifier of the 3 classes of this dataset".</summary>
    public abstract string ExpectedNetwork { get; }

    public abstract ILoss DefaultLoss();

    /// <summary>The metric summed over the batch's images; divided by the images seen it is the mean metric.</summary>
    public abstract double MetricSum(Tensor output, Tensor targets);

    /// <summary>Mean loss and metric of the network over a source of this task, in inference mode.</summary>
    public abstract (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss);

    /// <summary>A metric in the record fields that name it: (accuracy, null) or (null, mean absolute error).</summary>
    public abstract (double? Accuracy, double? MeanAbsoluteError) Named(double? metric);

    private sealed class Classification(int classes) : TrainingTask
    {
        public override int OutputWidth => classes;
        public override string ExpectedNetwork => $"a classifier of the {classes} classes of this dataset";
        public override ILoss DefaultLoss() => new SoftmaxCrossEntropy();

        // 1 for every image whose arg-max logit is its label
        public override double MetricSum(Tensor output, Tensor targets) => Evaluation.Tally(output, targets);

        public override (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss)
        {
            var evaluation = Evaluation.Of(network, data, loss);
            return (evaluation.Loss, evaluation.Accuracy);
        }

        public override (double? Accuracy, double? MeanAbsoluteError) Named(double? metric) => (metric, null);
    }

    private sealed class Regression(int targetCount) : TrainingTask
    {
        public override int OutputWidth => targetCount;
        public override string ExpectedNetwork => $"a regression network for the {targetCount} targets of this dataset";
        public override ILoss DefaultLoss() => new MeanSquaredError();

        // every image's mean |ŷ − y| over its T targets
        public override double MetricSum(Tensor output, Tensor targets) =>
            RegressionEvaluation.AbsoluteErrorSum(output, targets) / targetCount;

        public override (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss)
        {
            var evaluation = RegressionEvaluation.Of(network, data, loss);
            return (evaluation.Loss, evaluation.MeanAbsoluteError);
        }

        public override (double? Accuracy, double? MeanAbsoluteError) Named(double? metric) => (null, metric);
    }
}
