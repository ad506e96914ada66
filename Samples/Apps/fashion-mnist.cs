// Samples/FashionMnist, step by step as the notebook Samples/notebooks/fashion-mnist-cnn.ipynb walks it: pixel vectors in
// an IDataView → MapValueToKey → the CNN trainer → MapKeyToValue, then ML.NET's evaluator, saving, loading, predicting.
//   dotnet run Samples/Apps/fashion-mnist.cs [-- --train-count 60000 --test-count 10000 --epochs 8 --data DIR]
#:project ../../Trainers/MLNet.Cnn.Trainers.csproj
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property PublishAot=false

using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int trainCount = int.Parse(Option("--train-count") ?? "60000"), testCount = int.Parse(Option("--test-count") ?? "10000");
int epochs = int.Parse(Option("--epochs") ?? "8");
string? data = Option("--data");   // default: /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)
if (!FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(data));
    return 3;
}

// 1. The data: each image a known-size vector of 28·28 pixels in [0, 1] and its label's name.
static List<FashionImage> Rows(ImageDataset images, int count) =>
    Enumerable.Range(0, Math.Min(count, images.Count))
        .Select(i => new FashionImage { Features = images.Pixels(i).ToArray(), Label = images.ClassNames[images.Labels[i]] }).ToList();
var train = Rows(FashionMnist.LoadTrain(data), trainCount);
var test = Rows(FashionMnist.LoadTest(data), testCount);
Console.WriteLine($"{train.Count} training and {test.Count} test images");

// 2. The pipeline: the label as a key (in the dataset's class order), the CNN trainer, the predicted key back to a name.
var ml = new MLContext(seed: 1);
var trainView = ml.Data.LoadFromEnumerable(train);
var testView = ml.Data.LoadFromEnumerable(test);
var classOrder = ml.Data.LoadFromEnumerable(FashionMnist.ClassNames.Select(name => new ClassName { Label = name }));
var options = new CnnMulticlassOptions
{
    Channels = 1, Height = 28, Width = 28, Epochs = epochs, BatchSize = 64, Seed = 1,
    Network = (c, h, w, k) => SmallVgg.Build(c, h, w, k, seed: 1),
    Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 0.01f },
    Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
    Progress = new ProgressWriter(Console.Out, epochsOnly: true),
};
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyData: classOrder)
    .Append(ml.MulticlassClassification.Trainers.Cnn(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

// 3. Training.
var clock = Stopwatch.StartNew();
var model = pipeline.Fit(trainView);
var cnn = CnnPredictionTransformer.Find(model)!;
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s at {cnn.Training.ImagesPerSecond:F0} images/s; {cnn.Model.Network.ParameterCount:N0} parameters");

// 4. Evaluation with ML.NET's own evaluator.
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
Console.WriteLine($"micro accuracy {metrics.MicroAccuracy:F4}, macro accuracy {metrics.MacroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
for (int c = 0; c < cnn.Model.ClassNames.Count; c++)
    Console.WriteLine($"{cnn.Model.ClassNames[c],-12} precision {metrics.ConfusionMatrix.PerClassPrecision[c]:F3}  recall {metrics.ConfusionMatrix.PerClassRecall[c]:F3}");
Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

// 5. Save, load, predict: the zip holds ML.NET's own transformers (the network travels as ONNX), so any ML.NET app loads it.
ml.Model.Save(model, trainView.Schema, "fashion-mnist-cnn.zip");
var engine = ml.Model.CreatePredictionEngine<FashionImage, Prediction>(ml.Model.Load("fashion-mnist-cnn.zip", out _));
foreach (var image in test.Take(5))
{
    var prediction = engine.Predict(image);
    Console.WriteLine($"{image.Label,-12} → {prediction.PredictedLabel,-12} (p = {prediction.Score.Max():F3})");
}
Console.WriteLine($"RESULT accuracy={metrics.MicroAccuracy:F4}");
return 0;

public sealed class FashionImage
{
    [VectorType(28 * 28)] public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";
}

public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public sealed class ClassName
{
    public string Label { get; set; } = "";
}
