using System.CommandLine;
using Microsoft.ML;
using MLNet.Cnn.Tool.Data;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Tool.Reports;

namespace MLNet.Cnn.Tool.Commands;

/// <summary><c>evaluate</c>: ML.NET's multiclass metrics of a trained model on a labelled image folder.</summary>
internal sealed class EvaluateCommand : IToolCommand
{
    public int Order => 20;

    public Command Create()
    {
        var model = ToolOptions.Model("its model.zip");
        var images = ToolOptions.Images("to evaluate on (every image; the labels must be among the model's classes)");
        var command = new Command("evaluate", "Measure a trained model on a labelled image folder: micro and macro accuracy, log-loss, per-class precision and recall, confusion matrix (Markdown).")
        {
            model, images,
        };
        command.SetAction(parse =>
        {
            var classifier = SavedClassifier.Load(parse.GetValue(model)!);
            var data = ImageFolderInput.Load(new MLContext(seed: 1), parse.GetValue(images)!, validationFraction: 0, seed: 1);
            var unknown = data.Summary.Labels.Select(l => l.Label).Except(classifier.ClassNames).ToList();
            if (unknown.Count > 0)
                throw new BadInputException($"The image folder '{data.Summary.Folder}' has labels the model '{classifier.Path}' does not know: {string.Join(", ", unknown)}; " +
                                            $"expected labels among its classes ({string.Join(", ", classifier.ClassNames)}).");
            var metrics = classifier.Evaluate(classifier.Prepare(data.Train));
            var report = new ReportWriter(parse.InvocationConfiguration.Output);
            report.Data(data.Summary, split: false);
            report.Metrics($"Metrics of {Path.GetFileName(classifier.Path)}", metrics, classifier.ClassNames);
            return ExitCodes.Success;
        });
        return command;
    }
}
