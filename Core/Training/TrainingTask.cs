using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>
/// What <see cref="Trainer"/> does differently for each <see cref="TargetKind"/>: the network output it accepts, the
/// default loss, and the metric reported beside the loss — accuracy (classification), mean absolute error (regression),
/// pixel accuracy (segmentation, in the accuracy fields), none (detection: its mAP is measured after training).
/// </summary>
internal abstract class TrainingTask
{
    public static TrainingTask For(SampleLayout data) => data.Kind switch
    {
        TargetKind.Regression => new Regression(data.TargetCount),
        TargetKind.Segmentation => new Segmentation(data),
        TargetKind.Detection => new Detection(),
        _ => new Classification(data.ClassCount),
    };

    /// <summary>Whether the network's <paramref name="output"/> for a batch fits the data.</summary>
    public abstract bool Fits(TensorShape output);

    /// <summary>The output a batch of <paramref name="batch"/> images must give, in errors: "[8, 3]".</summary>
    public abstract string ExpectedOutput(int batch);

    /// <summary>The network the data asks for, in errors: "a classifier of the 3 classes of this dataset".</summary>
    public abstract string ExpectedNetwork { get; }

    public abstract ILoss DefaultLoss();

    /// <summary>The metric summed over the batch's images; divided by the images seen it is the mean metric.</summary>
    public abstract double MetricSum(Tensor output, Tensor targets);

    /// <summary>Mean loss and metric of the network over a source of this task, in inference mode.</summary>
    public abstract (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss);

    /// <summary>A metric in the record fields that name it: (accuracy, null), (null, mean absolute error) or (null, null).</summary>
    public abstract (double? Accuracy, double? MeanAbsoluteError) Named(double? metric);

    private sealed class Classification(int classes) : TrainingTask
    {
        public override bool Fits(TensorShape output) => output.Rank == 2 && output[1] == classes;
        public override string ExpectedOutput(int batch) => $"[{batch}, {classes}]";
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
        public override bool Fits(TensorShape output) => output.Rank == 2 && output[1] == targetCount;
        public override string ExpectedOutput(int batch) => $"[{batch}, {targetCount}]";
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

    /// <summary>
    /// Logits [n, K, H, W] against class maps [n, H, W]; the metric is the pixel accuracy over the pixels that are not
    /// the ignore label. In training it is the batch's pixel accuracy weighted by its images (a batch of ignored pixels
    /// only counts as right); in validation, the correct pixels over all counted pixels of the source.
    /// </summary>
    private sealed class Segmentation(SampleLayout data) : TrainingTask
    {
        public override bool Fits(TensorShape output) =>
            output.Rank == 4 && output[1] == data.ClassCount && output[2] == data.Height && output[3] == data.Width;
        public override string ExpectedOutput(int batch) => $"[{batch}, {data.ClassCount}, {data.Height}, {data.Width}] (a logit per class and pixel)";
        public override string ExpectedNetwork => $"a segmentation network for the {data.ClassCount} classes of this dataset";
        public override ILoss DefaultLoss() => new PixelwiseCrossEntropy(ignoreIndex: data.IgnoreLabel);

        public override double MetricSum(Tensor output, Tensor targets)
        {
            var matrix = SegmentationEvaluation.MatrixFor(data);
            SegmentationEvaluation.Add(matrix, output, targets);
            return matrix.PixelCount == 0 ? output.Shape[0] : matrix.ComputeMetrics().PixelAccuracy * output.Shape[0];
        }

        public override (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss)
        {
            var matrix = SegmentationEvaluation.MatrixFor(data.Layout);
            double meanLoss = EvaluationPass.MeanLoss(network, data, loss, 32, (output, targets) => SegmentationEvaluation.Add(matrix, output, targets));
            return (meanLoss, matrix.PixelCount == 0 ? 1 : matrix.ComputeMetrics().PixelAccuracy);
        }

        public override (double? Accuracy, double? MeanAbsoluteError) Named(double? metric) => (metric, null);
    }

    /// <summary>Any rank-4 head output (the loss checks its channels) against box rows [n, maxObjects, 5]; no metric, no default loss.</summary>
    private sealed class Detection : TrainingTask
    {
        public override bool Fits(TensorShape output) => output.Rank == 4;
        public override string ExpectedOutput(int batch) => $"[{batch}, channels, rows, columns] (a detection head's grid)";
        public override string ExpectedNetwork => "a detector";

        public override ILoss DefaultLoss() => throw new ArgumentException(
            "Detection has no default loss: it depends on the detector's head. Set TrainerOptions.Loss, e.g. to new YoloLoss(head).", "options");

        public override double MetricSum(Tensor output, Tensor targets) => 0;

        public override (double Loss, double Metric) Evaluate(Layer network, IBatchSource data, ILoss loss) =>
            (EvaluationPass.MeanLoss(network, data, loss, 32, (_, _) => { }), 0);

        public override (double? Accuracy, double? MeanAbsoluteError) Named(double? metric) => (null, null);
    }
}
