using System.Globalization;
using Microsoft.ML.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tool.Training;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Tool.Reports;

/// <summary>
/// Writes the tool's reports as Markdown, section by section: the data (images per label, skipped files), the training
/// (network, epochs, time, images/s), ML.NET's multiclass metrics (micro/macro accuracy, log-loss, the per-class table
/// and the confusion matrix) and the pictures. <c>train</c> writes every section to <c>report.md</c>; <c>evaluate</c>
/// writes the data and the metrics to the console. The one place where pictures enter a report: <see cref="Pictures"/>.
/// </summary>
internal sealed class ReportWriter(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Skipped files listed one by one; the rest are counted.</summary>
    public const int ListedSkippedFiles = 50;

    public void Title(string title) => output.WriteLine($"# {title}{Environment.NewLine}");

    /// <summary>
    /// What the image folder holds: images per label (and, with <paramref name="split"/>, per part: training and
    /// validation), empty label folders, skipped files with their reasons.
    /// </summary>
    public void Data(ImageFolderSummary data, bool split)
    {
        output.WriteLine("## Data");
        output.WriteLine();
        output.WriteLine($"Folder `{data.Folder}`: {data.Images} images of {data.Labels.Count} labels" +
                         (split ? $", {data.TrainImages} to train and {data.ValidationImages} to validate." : "."));
        output.WriteLine();
        if (split)
            Table(["label", "images", "train", "validate"], data.Labels.Select(l => new[] { Cell(l.Label), Number(l.Images), Number(l.Train), Number(l.Validation) }), rightFrom: 1);
        else
            Table(["label", "images"], data.Labels.Select(l => new[] { Cell(l.Label), Number(l.Images) }), rightFrom: 1);
        if (data.EmptyLabelFolders.Count > 0) output.WriteLine($"Label folders without images: {string.Join(", ", data.EmptyLabelFolders.Select(Cell))}.{Environment.NewLine}");
        if (data.Skipped.Count == 0)
        {
            output.WriteLine($"No file was skipped.{Environment.NewLine}");
            return;
        }
        output.WriteLine($"Skipped {data.Skipped.Count} files:");
        output.WriteLine();
        foreach (var file in data.Skipped.Take(ListedSkippedFiles)) output.WriteLine($"- `{file.Path}`: {file.Reason} — {file.Detail}");
        if (data.Skipped.Count > ListedSkippedFiles) output.WriteLine($"- … and {data.Skipped.Count - ListedSkippedFiles} more");
        output.WriteLine();
    }

    /// <summary>The network, the settings, how training ended, its epochs, its time and its speed.</summary>
    public void Training(TrainingSettings settings, TrainedClassifier trained)
    {
        var result = trained.Cnn.Training;
        var model = trained.Cnn.Model;
        output.WriteLine("## Training");
        output.WriteLine();
        output.WriteLine($"- network: {settings.Architecture}, input {model.InputShape}, {Number(ModelSummary.Of(model).TotalParameters)} parameters, {model.ClassNames.Count} classes");
        output.WriteLine(Format($"- settings: up to {settings.Epochs} epochs, batch size {settings.BatchSize}, AdamW at learning rate {TrainingSettings.LearningRate:G3}, early stopping after {TrainingSettings.EarlyStoppingPatience} epochs without a lower validation loss, seed {settings.Seed}"));
        output.WriteLine($"- stopped: {result.StopReason} — {result.Message}{(result.BestEpoch is { } best ? $" (weights of epoch {best})" : "")}");
        output.WriteLine(Format($"- time: {trained.Duration.TotalSeconds:F1} s for the whole fit (reading the images included), {result.Duration.TotalSeconds:F1} s in the training loop, {result.ImagesPerSecond:F0} images/s"));
        output.WriteLine();
        Table(["epoch", "loss", "accuracy", "validation loss", "validation accuracy", "images/s", "seconds"],
            result.Epochs.Select(e => new[]
            {
                Number(e.Epoch), Format($"{e.Loss:F4}"), Optional(e.Accuracy), Optional(e.ValidationLoss), Optional(e.ValidationAccuracy),
                Format($"{e.ImagesPerSecond:F0}"), Format($"{e.Duration.TotalSeconds:F1}"),
            }), rightFrom: 0);
    }

    /// <summary>ML.NET's multiclass metrics: the totals, the per-class table and the confusion matrix (rows: the true label).</summary>
    public void Metrics(string heading, MulticlassClassificationMetrics metrics, IReadOnlyList<string> classNames)
    {
        var matrix = metrics.ConfusionMatrix;
        output.WriteLine($"## {heading}");
        output.WriteLine();
        output.WriteLine(Format($"- micro accuracy: {metrics.MicroAccuracy:F4}"));
        output.WriteLine(Format($"- macro accuracy: {metrics.MacroAccuracy:F4}"));
        output.WriteLine(Format($"- log-loss: {metrics.LogLoss:F4} (reduction {metrics.LogLossReduction:F4})"));
        output.WriteLine();
        Table(["class", "precision", "recall", "log-loss", "images"],
            classNames.Select((name, c) => new[]
            {
                Cell(name), Format($"{matrix.PerClassPrecision[c]:F4}"), Format($"{matrix.PerClassRecall[c]:F4}"),
                Format($"{metrics.PerClassLogLoss[c]:F4}"), Format($"{matrix.Counts[c].Sum():F0}"),
            }), rightFrom: 1);
        output.WriteLine("Confusion matrix (rows: true label, columns: predicted label):");
        output.WriteLine();
        Table(["true \\ predicted", .. classNames.Select(Cell)],
            classNames.Select((name, c) => new[] { Cell(name) }.Concat(matrix.Counts[c].Select(n => Format($"{n:F0}"))).ToArray()), rightFrom: 1);
    }

    /// <summary>
    /// The pictures section, written when there are pictures. HOOK for the Visualization library: the training curves and
    /// the confusion matrix PNGs are drawn into the report's folder by the caller and listed here, each shown inline.
    /// </summary>
    public void Pictures(IReadOnlyList<ReportPicture> pictures)
    {
        if (pictures.Count == 0) return;
        output.WriteLine("## Pictures");
        output.WriteLine();
        foreach (var picture in pictures) output.WriteLine($"![{picture.Title}]({picture.File.Replace(" ", "%20")}){Environment.NewLine}");
    }

    /// <summary>What the command wrote: each file or folder with what it is.</summary>
    public void Files(IEnumerable<(string Name, string What)> files)
    {
        output.WriteLine("## Files");
        output.WriteLine();
        foreach (var (name, what) in files) output.WriteLine($"- `{name}`: {what}");
        output.WriteLine();
    }

    private void Table(string[] header, IEnumerable<string[]> rows, int rightFrom)
    {
        output.WriteLine($"| {string.Join(" | ", header)} |");
        output.WriteLine($"| {string.Join(" | ", header.Select((_, i) => i >= rightFrom ? "---:" : "---"))} |");
        foreach (var row in rows) output.WriteLine($"| {string.Join(" | ", row)} |");
        output.WriteLine();
    }

    /// <summary>Text for a table cell: a pipe would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|");

    private static string Number(long value) => value.ToString("N0", Invariant);

    private static string Optional(double? value) => value is { } v ? v.ToString("F4", Invariant) : "–";

    private static string Format(FormattableString text) => text.ToString(Invariant);
}
