using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Training;
using MLNet.Cnn.Samples;
using MLNet.Cnn.Samples.FashionMnistTrain;

// dotnet run -c Release --project Samples/FashionMnist.Train -- --model lenet5 --epochs 3 [--minutes N] [--data DIR]
if (!SampleOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
if (!FashionMnist.IsAvailable(options.DataDirectory))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(options.DataDirectory));
    return 3;
}

var clock = Stopwatch.StartNew();
var train = FashionMnist.LoadTrain(options.DataDirectory);
var test = FashionMnist.LoadTest(options.DataDirectory);
Console.WriteLine($"Fashion-MNIST: {train.Count} training and {test.Count} test images, loaded in {clock.Elapsed.TotalSeconds:F1} s");

var progress = new TrainingProgressBar(Console.Out);
var recipe = Recipes.For(options.Model, options, progress);
var network = recipe.Network;
Console.WriteLine($"{options.Model}: {network.ParameterCount:N0} parameters; {recipe.Description}");

TrainingResult result;
using (progress) result = Trainer.Fit(network, train, validation: null, recipe.Options);
Console.WriteLine($"stopped: {result.StopReason} ({result.Message}); {result.ImagesPerSecond:F0} training images/s");

var evaluation = Evaluation.Of(network, test, new SoftmaxCrossEntropy());
Console.WriteLine($"test: accuracy {evaluation.Accuracy:F4}, macro accuracy {evaluation.MacroAccuracy:F4}, loss {evaluation.Loss:F4}");
Console.WriteLine($"RESULT accuracy={evaluation.Accuracy:F4} images_per_s={result.ImagesPerSecond:F0} seconds={clock.Elapsed.TotalSeconds:F0}");
return result.StopReason == StopReason.Diverged ? 1 : 0;
