using System.CommandLine;
using MLNet.Cnn.Tool.Data;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Tool.Reports;

namespace MLNet.Cnn.Tool.Commands;

/// <summary><c>predict</c>: the top-k labels of an image file, or of every image of a folder, as a table, CSV or JSON.</summary>
internal sealed class PredictCommand : IToolCommand
{
    public int Order => 30;

    public Command Create()
    {
        var model = ToolOptions.Model("its model.zip");
        var images = ToolOptions.ImageFileOrFolder("classified");
        var top = ToolOptions.AtLeast("--top", 1, 1, "How many labels to give per image, most probable first (all of them when K exceeds their number).");
        top.HelpName = "K";
        var format = new Option<string>("--format") { Description = "table (aligned columns), csv (file,rank,label,probability) or json.", DefaultValueFactory = _ => "table", HelpName = "table|csv|json" };
        format.AcceptOnlyFromAmong(PredictionWriter.Formats);
        var command = new Command("predict", "Predict the labels of an image file or of the images of a folder with a trained model.")
        {
            images, model, top, format,
        };
        command.SetAction(parse =>
        {
            var classifier = SavedClassifier.Load(parse.GetValue(model)!);
            var files = ImageFiles.Of(parse.GetValue(images)!);
            int k = Math.Min(parse.GetValue(top), classifier.ClassNames.Count);
            var predictions = files.Select(file =>
            {
                var scores = classifier.Score(file);
                // a stable sort: equal probabilities keep the classes' order
                var best = scores.Select((p, c) => new LabelProbability(classifier.ClassNames[c], p)).OrderByDescending(l => l.Probability).Take(k).ToArray();
                return new ImagePrediction(file, best);
            }).ToList();
            PredictionWriter.Write(predictions, parse.GetValue(format)!, parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }
}
