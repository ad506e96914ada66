// Samples/FashionMnist.Train, step by step: the core library alone (no ML.NET) trains a CNN on Fashion-MNIST, evaluates it,
// prints its layer table and saves it as a model file (.cnn) and as ONNX.
//   dotnet run Samples/Apps/fashion-mnist-train.cs [-- --model lenet5|small-vgg --epochs 3 --data DIR]
#:project ../../Core/MLNet.Cnn.Core.csproj
#:property PublishAot=false

using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string modelName = Option("--model") ?? "lenet5";
int epochs = int.Parse(Option("--epochs") ?? "3");
string? data = Option("--data");   // default: /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)
if (!FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(data));
    return 3;
}

// 1. The data: 60,000 training and 10,000 test images, 1×28×28 in [0, 1].
var train = FashionMnist.LoadTrain(data);
var test = FashionMnist.LoadTest(data);
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} test images");

// 2. The network: a builder of MLNet.Cnn.Models, initialized with a seed.
Layer network = modelName switch
{
    "lenet5" => LeNet5.Build(channels: 1, height: 28, width: 28, classes: 10),
    "small-vgg" => SmallVgg.Build(1, 28, 28, 10, seed: 1),
    _ => throw new ArgumentException($"--model is '{modelName}'; expected lenet5 or small-vgg."),
};
Initializer.Initialize(network, seed: 1);
Console.WriteLine(ModelSummary.Of(network, new TensorShape(1, 28, 28)));

// 3. Training: AdamW on a one-cycle schedule, 1/12 of the images held out to validate after each epoch.
var result = Trainer.Fit(network, train, validation: null, new TrainerOptions
{
    Epochs = epochs, BatchSize = 64, Seed = 1, ValidationFraction = 1.0 / 12,
    Optimizer = parameters => new AdamW(parameters, learningRate: 2e-3f),
    Schedule = plan => new OneCycle(2e-3f, plan.TotalSteps),
    Progress = new ProgressWriter(Console.Out), ProgressInterval = 200,
});
Console.WriteLine($"stopped: {result.StopReason}; {result.ImagesPerSecond:F0} images/s");

// 4. Evaluation on the test images.
var evaluation = Evaluation.Of(network, test, new SoftmaxCrossEntropy());
Console.WriteLine($"test accuracy {evaluation.Accuracy:F4}, macro accuracy {evaluation.MacroAccuracy:F4}, loss {evaluation.Loss:F4}");

// 5. The model file (architecture, weights, input shape, class names) and its ONNX export.
var model = new CnnModel(network, new TensorShape(1, 28, 28), FashionMnist.ClassNames);
ModelFile.Save(model, $"{modelName}.cnn");
OnnxExporter.Export(model, $"{modelName}.onnx");
Console.WriteLine($"wrote {modelName}.cnn and {modelName}.onnx");
return 0;
