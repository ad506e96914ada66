using System.CommandLine;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tool.Consumption;
using MLNet.Cnn.Tool.Models;
using MLNet.Cnn.Tool.Reports;
using MLNet.Cnn.Tool.Training;
using MLNet.Cnn.Visualization;

namespace MLNet.Cnn.Tool.Commands;

/// <summary><c>train</c>: an image folder → a trained CNN classifier, saved as model.zip, model.cnn and model.onnx, with report.md and a consumption project.</summary>
internal sealed class TrainCommand : IToolCommand
{
    public int Order => 10;

    public Command Create()
    {
        var images = ToolOptions.Images("to learn from; a share of each label's images is held out to validate");
        var output = new Option<string>("--out", "-o") { Description = "The folder to write the model, its report and the consumption project into (created if needed).", DefaultValueFactory = _ => "mlnet-cnn-model", HelpName = "DIR" };
        var size = ToolOptions.AtLeast("--size", 8, 64, "Images are resized to N×N pixels.");
        var channels = new Option<int>("--channels") { Description = "3 for RGB, 1 for grayscale.", DefaultValueFactory = _ => 3, HelpName = "1|3" };
        channels.AcceptOnlyFromAmong("1", "3");
        var model = new Option<string>("--model") { Description = $"The network: {Architectures.Help}.", DefaultValueFactory = _ => Architectures.Default, HelpName = "NAME" };
        model.AcceptOnlyFromAmong([.. Architectures.Names]);
        var epochs = ToolOptions.AtLeast("--epochs", 1, 20, $"Passes over the training images at most (training stops sooner after {TrainingSettings.EarlyStoppingPatience} epochs without a lower validation loss).");
        var batchSize = ToolOptions.AtLeast("--batch-size", 1, 32, "Images per training step.");
        var fraction = new Option<double>("--validation-fraction") { Description = "The share of each label's images held out to validate on (per-epoch validation, early stopping and the report's metrics); more than 0 and less than 1.", DefaultValueFactory = _ => 0.2, HelpName = "F" };
        fraction.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (value is not (> 0 and < 1)) result.AddError($"--validation-fraction is {value}; expected more than 0 and less than 1.");
        });
        var seed = new Option<int>("--seed") { Description = "Seeds the split, the initial weights and the shuffling: the same seed gives the same model.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var name = new Option<string?>("--name") { Description = "The consumption project's name, a C# identifier (default: the image folder's name in PascalCase).", HelpName = "NAME" };
        name.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !ConsumptionProject.Identifier().IsMatch(value)) result.AddError($"--name is '{value}'; expected a C# identifier (letters, digits, _).");
        });
        var library = new Option<string?>("--library-project") { Description = "Reference this MLNet.Cnn.Trainers.csproj from the consumption project instead of the MLNet.Cnn.Trainers package.", HelpName = "PATH" };

        var command = new Command("train", "Train a CNN classifier on an image folder (one subfolder per label) and write model.zip (ML.NET), model.cnn, model.onnx, report.md and a consumption project.")
        {
            images, output, size, channels, model, epochs, batchSize, fraction, seed, name, library,
        };
        command.SetAction(parse =>
        {
            var settings = new TrainingSettings(parse.GetValue(images)!, parse.GetValue(model)!, parse.GetValue(size), parse.GetValue(channels),
                parse.GetValue(epochs), parse.GetValue(batchSize), parse.GetValue(fraction), parse.GetValue(seed));
            return Run(settings, parse.GetValue(output)!, parse.GetValue(name) ?? ConsumptionProject.NameFrom(settings.Images), parse.GetValue(library),
                parse.InvocationConfiguration.Output);
        });
        return command;
    }

    private static int Run(TrainingSettings settings, string outFolder, string name, string? libraryProject, TextWriter console)
    {
        // what can be refused without the data is refused before training
        string folder = Path.GetFullPath(outFolder);
        if (File.Exists(folder)) throw new BadInputException($"The output folder '{folder}' is a file; expected a folder to write the model into (--out).");
        string libraryReference = ConsumptionProject.LibraryReference(libraryProject);

        var trained = ClassifierTraining.Run(settings, console);
        Directory.CreateDirectory(folder);
        string InFolder(string file) => Path.Combine(folder, file);
        trained.Save(InFolder(ModelFiles.MlNetModel));
        ModelFile.Save(trained.Cnn.Model, InFolder(ModelFiles.CoreModel));
        OnnxExporter.Export(trained.Cnn.Model, InFolder(ModelFiles.Onnx));
        string project = ConsumptionProject.Write(folder, name, libraryReference);

        using (var report = new StreamWriter(InFolder(ModelFiles.Report)))
        {
            var writer = new ReportWriter(report);
            writer.Title($"mlnet-cnn training report: {Path.GetFileName(trained.Data.Folder)}");
            writer.Data(trained.Data, split: true);
            writer.Training(settings, trained);
            writer.Metrics("Validation metrics", trained.Validation, trained.Cnn.Model.ClassNames);
            writer.Pictures(DrawPictures(trained, folder));
            writer.Files(
            [
                (ModelFiles.MlNetModel, "the ML.NET model: loads in any ML.NET app (input: the image file's bytes as 'ImageSource'), with MLNet.Cnn.Trainers and Microsoft.ML.OnnxRuntime"),
                (ModelFiles.CoreModel, "the network as MLNet.Cnn's model file: mlnet-cnn summary, export, further training"),
                (ModelFiles.Onnx, "the network as ONNX (input: pixels [N, C, H, W] in [0, 1], planes R, G, B; output: logits; class names in its metadata)"),
                (Path.GetFileName(project) + "/", $"a console project that predicts with the model: dotnet run --project {Path.GetFileName(project)} -- IMAGE"),
            ]);
        }
        console.WriteLine(FormattableString.Invariant(
            $"micro accuracy {trained.Validation.MicroAccuracy:F4}  macro accuracy {trained.Validation.MacroAccuracy:F4}  log-loss {trained.Validation.LogLoss:F4} on {trained.Data.ValidationImages} held-out images"));
        console.WriteLine($"Wrote {ModelFiles.MlNetModel}, {ModelFiles.CoreModel}, {ModelFiles.Onnx}, {ModelFiles.Report} and {Path.GetFileName(project)}/ to {folder}");
        return ExitCodes.Success;
    }

    /// <summary>The report's pictures, drawn into <paramref name="folder"/>: the training curves and the validation confusion matrix.</summary>
    private static IReadOnlyList<ReportPicture> DrawPictures(TrainedClassifier trained, string folder)
    {
        const string curves = "training-curves.png", confusion = "confusion-matrix.png";
        TrainingCurves.Save(trained.Cnn.Training.Epochs, Path.Combine(folder, curves));
        ConfusionMatrixChart.Save(trained.Validation.ConfusionMatrix.Counts, trained.Cnn.Model.ClassNames, Path.Combine(folder, confusion),
            title: "Confusion matrix (validation images)");
        return [new ReportPicture("Training curves", curves), new ReportPicture("Confusion matrix", confusion)];
    }
}
