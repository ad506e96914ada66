// Samples/ModelCompression, step by step: a trained Fashion-MNIST model three ways — float ONNX, int8 ONNX (quantized with
// calibration images) and pruned by magnitude while fine-tuning (float ONNX) — each measured in ONNX Runtime: size and
// test accuracy.
//   dotnet run Samples/Apps/model-compression.cs -- lenet5.cnn [--sparsity 0.8 --epochs 2 --data DIR]
// (lenet5.cnn: written by Samples/Apps/fashion-mnist-train.cs; or fashion-mnist-output/fashion-mnist-cnn.cnn by Samples/FashionMnist)
#:project ../../Core/MLNet.Cnn.Core.csproj
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property PublishAot=false

using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Onnx.Quantization;
using MLNet.Cnn.Pruning;
using MLNet.Cnn.Training;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string? path = args.FirstOrDefault(a => a.EndsWith(".cnn"));
string? data = Option("--data");   // default: /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)
double sparsity = double.Parse(Option("--sparsity") ?? "0.8", CultureInfo.InvariantCulture);
int epochs = int.Parse(Option("--epochs") ?? "2");
if (path is null || !File.Exists(path) || !FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(path is null || !File.Exists(path) ? $"Give a Fashion-MNIST model file (.cnn); '{path}' was not found." : FashionMnist.NotFoundMessage(data));
    return 3;
}

// 1. The model and the images as it takes them (its normalization applied).
var model = ModelFile.Load(path);
var train = FashionMnist.LoadTrain(data).Normalized(model.Normalization);
var test = FashionMnist.LoadTest(data).Normalized(model.Normalization);

// 2. Float and int8: int8 QDQ with per-channel weights, activation ranges calibrated on 500 training images.
var calibration = train.EvenlySpacedImages(500);
var variants = new List<(string Name, byte[] Onnx)>
{
    ("float", OnnxExporter.ToBytes(model)),
    ("int8", Int8Quantizer.Quantize(model, calibration)),
};

// 3. Pruned: the smallest weights set to zero step by step over the first two thirds of the fine-tuning, then trained
//    with the final masks (AdamW at a low rate).
var pruned = ModelFile.Load(path);
Trainer.Fit(pruned.Network, train, validation: null, new TrainerOptions
{
    Epochs = epochs, BatchSize = 64, Seed = 1,
    Optimizer = parameters => new AdamW(parameters, learningRate: 3e-4f) { WeightDecay = 0.05f },
    Schedule = plan => new CosineAnnealing(3e-4f, plan.TotalSteps),
    // ten pruning steps per epoch (steps: batches per epoch) over the first two thirds of the epochs
    Sparsity = steps => new SparsitySchedule(sparsity, beginStep: 0, frequency: Math.Max(1, steps / 10), intervals: Math.Max(1, 20 * epochs / 3)),
    Progress = new ProgressWriter(Console.Out, epochsOnly: true),
});
Console.WriteLine($"pruned: {SparsityReport.Of(pruned.Network).Sparsity:P1} of the convolution and dense weights are zero");
variants.Add(($"pruned {sparsity:P0}", OnnxExporter.ToBytes(pruned)));

// 4. Each variant in ONNX Runtime: the file's size and the test accuracy (input "input" [N, C, H, W], output "logits").
using var run = new RunOptions();
foreach (var (name, onnx) in variants)
{
    using var session = new InferenceSession(onnx);
    int correct = 0, batch = 500;
    for (int start = 0; start < test.Count; start += batch)
    {
        int n = Math.Min(batch, test.Count - start);
        var pixels = new float[n * test.ImageSize];
        for (int i = 0; i < n; i++) test.Pixels(start + i).CopyTo(pixels.AsSpan(i * test.ImageSize));
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [n, test.Channels, test.Height, test.Width]);
        using var outputs = session.Run(run, ["input"], [input], ["logits"]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        int classes = logits.Length / n;
        for (int i = 0; i < n; i++)
            if (TensorPrimitives.IndexOfMax(logits.Slice(i * classes, classes)) == test.Labels[start + i]) correct++;
    }
    Console.WriteLine($"{name,-12} {onnx.Length / 1024.0,7:F0} KiB   accuracy {(double)correct / test.Count:P2}");
    File.WriteAllBytes($"fashion-mnist.{name.Split(' ')[0]}.onnx", onnx);
}
return 0;
