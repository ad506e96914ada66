// Samples/Segmentation, step by step: a UNet trained from scratch with the core on generated scenes (Fashion-MNIST items on
// 96×96 canvases, a class per pixel), measured with mIoU on held-out scenes, and exported to ONNX for Samples/EdgeScoring.
//   dotnet run -c Release Samples/Apps/segmentation.cs [-- --minutes 10 --data DIR]
#:project ../../Core/MLNet.Cnn.Core.csproj
#:property PublishAot=false

using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
double minutes = double.Parse(Option("--minutes") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
string? data = Option("--data");   // default: /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)
if (!FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(data));
    return 3;
}

// 1. Scenes: training scenes streamed from the training items; held-out scenes from the test items. Each pixel's class is
//    0 (background) or 1–10 (the item's); faint item pixels are ignored (255).
var scenes = new SceneOptions();
var train = SceneGenerator.FromFashionMnist(scenes, seed: 1, train: true, data).SegmentationSource(400_000);
var heldOut = SceneGenerator.FromFashionMnist(scenes, seed: 2, train: false, data).GenerateSet(1000);
var classNames = train.Layout.ClassNames;

// 2. The network: a UNet decoder on a small backbone, 11 score maps at full size.
var input = new TensorShape(1, scenes.Height, scenes.Width);
var network = SegmentationNetworks.UNet(DetectionBackbones.Small(1, width: 16, seed: 1), input, classNames.Count,
    SegmentationDecoder.Bilinear, decoderWidth: 32, seed: 1);

// 3. Training: pixel cross-entropy (the source's default loss), AdamW on a cosine schedule within the time budget.
var result = Trainer.Fit(network, train, validation: null, new TrainerOptions
{
    Epochs = 1, BatchSize = 32, Seed = 1, TimeLimit = TimeSpan.FromMinutes(minutes),
    Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 5e-4f },
    Schedule = plan => new CosineAnnealing(3e-3f, plan.TotalSteps),
    Progress = new ProgressWriter(Console.Out), ProgressInterval = 50,
});
Console.WriteLine($"training: {result.StopReason}, {result.ImagesPerSecond:F0} images/s");

// 4. mIoU, pixel accuracy and IoU per class on the held-out scenes (one confusion matrix over all their pixels).
var metrics = SegmentationEvaluation.Of(network, heldOut.SegmentationSource());
Console.WriteLine($"mIoU {metrics.MeanIoU:F4}, pixel accuracy {metrics.PixelAccuracy:F4}");
for (int c = 0; c < classNames.Count; c++) Console.WriteLine($"  {classNames[c],-12} IoU {metrics.PerClassIoU[c]:F4}");

// 5. ONNX with the task's metadata, which Samples/EdgeScoring reads to draw the masks.
OnnxExporter.Export(new CnnModel(network, input, classNames), "segmenter.onnx", OnnxTaskMetadata.Segmentation());
Console.WriteLine("wrote segmenter.onnx");
return 0;
