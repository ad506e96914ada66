// Samples/ImageFolder, step by step: Model Builder's image classification flow on a folder with one subfolder per label —
// LoadFromImageFolder (80/20 split per label) → the files' bytes (Model Builder's ImageSource column) → MapValueToKey → the
// CNN trainer (it decodes and resizes the images) → MapKeyToValue; evaluation on the held-out images; the model saved,
// reloaded and asked about a few of them. The saved model takes image bytes: Samples/Apps/web-api.cs serves it.
//   dotnet run Samples/Apps/image-folder.cs -- photos/ [--size 64 --epochs 20]
// (no photos at hand? `dotnet run -c Release --project Samples/ImageFolder` writes a synthetic folder, ./shapes-folder)
#:project ../../Trainers/MLNet.Cnn.Trainers.csproj
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property PublishAot=false

using Microsoft.ML;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string? folder = args.FirstOrDefault(a => !a.StartsWith("--") && Directory.Exists(a));
if (folder is null)
{
    Console.Error.WriteLine("Give a folder with one subfolder of images per label: dotnet run Samples/Apps/image-folder.cs -- photos/");
    return 2;
}
int size = int.Parse(Option("--size") ?? "64"), epochs = int.Parse(Option("--epochs") ?? "20");

// 1. The folder: Train and Validation views (columns Label and ImagePath), and what was found and skipped.
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromImageFolder(folder, new ImageFolderOptions { ValidationFraction = 0.2, Seed = 1 });
data.Summary.Print(Console.Out, listedFiles: 5);
if (data.Validation is null) throw new ArgumentException($"'{folder}' has no label with two images: nothing to test on.");

// 2. The files' bytes, read before the pipeline so that the saved model takes bytes (what a web service is sent).
var readBytes = ml.Transforms.LoadRawImageBytes("ImageSource", imageFolder: null, "ImagePath").Fit(data.Train);
var train = readBytes.Transform(data.Train);
var test = readBytes.Transform(data.Validation);

// 3. The pipeline: the trainer decodes the bytes and resizes the images to size × size RGB; ResNetSmall takes any size.
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
    {
        FeatureColumnName = "ImageSource", Channels = 3, Height = size, Width = size,
        Network = (channels, height, width, classes) => ResNetSmall.Build(channels, classes),
        Epochs = epochs, BatchSize = 32, Seed = 1, LearningRate = 2e-3f, ValidationFraction = 0.1, EarlyStoppingPatience = 5,
        Progress = new ProgressWriter(Console.Out, epochsOnly: true),
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(train);

// 4. Evaluation on the held-out images.
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"micro accuracy {metrics.MicroAccuracy:F4}, macro accuracy {metrics.MacroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

// 5. Save, reload, predict from a file's bytes.
ml.Model.Save(model, train.Schema, "image-folder-cnn.zip");
var engine = ml.Model.CreatePredictionEngine<ImageRow, Prediction>(ml.Model.Load("image-folder-cnn.zip", out _));
foreach (var image in ml.Data.CreateEnumerable<ImageRow>(test, reuseRowObject: false).Take(5))
{
    var prediction = engine.Predict(image);
    Console.WriteLine($"{Path.GetFileName(image.ImagePath),-20} label {image.Label,-12} predicted {prediction.PredictedLabel,-12} p = {prediction.Score.Max():F3}");
}
Console.WriteLine("wrote image-folder-cnn.zip (input: the image file's bytes in 'ImageSource')");
return 0;

public sealed class ImageRow
{
    public string Label { get; set; } = "";
    public string ImagePath { get; set; } = "";
    public byte[] ImageSource { get; set; } = [];
}

public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}
