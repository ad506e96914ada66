using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Training;

/// <summary>Loss, accuracy and confusion matrix (rows: true class, columns: predicted class) of a classifier on a dataset.</summary>
public sealed record Evaluation(double Loss, double Accuracy, int[,] ConfusionMatrix)
{
    /// <summary>Mean over classes of the per-class accuracy (ML.NET's MacroAccuracy).</summary>
    public double MacroAccuracy
    {
        get
        {
            int classes = ConfusionMatrix.GetLength(0);
            double sum = 0;
            int present = 0;
            for (int c = 0; c < classes; c++)
            {
                int total = 0;
                for (int p = 0; p < classes; p++) total += ConfusionMatrix[c, p];
                if (total == 0) continue;
                sum += (double)ConfusionMatrix[c, c] / total;
                present++;
            }
            return present == 0 ? 0 : sum / present;
        }
    }

    /// <summary>Runs the network in inference mode over a classification dataset (or other source), in order, batch by batch.</summary>
    public static Evaluation Of(Layer network, IBatchSource data, ILoss loss, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Layout.Kind != TargetKind.Classification)
            throw new ArgumentException(data.Layout.Kind switch
            {
                TargetKind.Regression => "The dataset holds regression targets; measure it with RegressionEvaluation.Of.",
                TargetKind.Segmentation => "The dataset holds class maps; measure it with SegmentationEvaluation.Of.",
                _ => "The dataset holds boxes; measure it with DetectionEvaluation.Of.",
            }, nameof(data));
        var confusion = new int[data.Layout.ClassCount, data.Layout.ClassCount];
        int correct = 0;
        double meanLoss = EvaluationPass.MeanLoss(network, data, loss, batchSize,
            (logits, labels) => correct += Tally(logits, labels, confusion));
        return new Evaluation(meanLoss, (double)correct / data.Count, confusion);
    }

    /// <summary>Adds each row's arg-max prediction to the confusion matrix; returns how many were right.</summary>
    internal static int Tally(Tensor logits, Tensor labels, int[,]? confusion = null)
    {
        int classes = logits.Shape[1], correct = 0;
        for (int i = 0; i < logits.Shape[0]; i++)
        {
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.Span.Slice(i * classes, classes));
            int actual = (int)labels.Span[i];
            if (predicted == actual) correct++;
            if (confusion is not null) confusion[actual, predicted]++;
        }
        return correct;
    }
}
