// Samples/Detection, step by step: a YOLO detector trained from scratch with the core on generated scenes (Fashion-MNIST
// items pasted on 96×96 canvases), measured with COCO and VOC mAP on held-out scenes, and exported to ONNX for
// Samples/EdgeScoring (--draw).
//   dotnet run -c Release Samples/Apps/detection.cs [-- --minutes 10 --data DIR]
#:project ../../Core/MLNet.Cnn.Core.csproj
#:property PublishAot=false

using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
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

// 1. Scenes: 1–5 items of the training set per 96×96 canvas, rendered as they are read; held-out scenes from the test items.
var scenes = new SceneOptions();
var train = SceneGenerator.FromFashionMnist(scenes, seed: 1, train: true, data);
var heldOut = SceneGenerator.FromFashionMnist(scenes, seed: 2, train: false, data).GenerateSet(1000);

// 2. Anchors: 5 box shapes fitted by k-means (distance 1 − IoU) to the boxes of 2,000 training scenes.
var sample = train.GenerateSet(2000);
var boxes = Enumerable.Range(0, sample.Count).SelectMany(sample.Objects)
    .SelectMany(o => new[] { o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2 }).ToArray();
var anchors = AnchorKMeans.Fit(boxes, k: 5, seed: 1);
Console.WriteLine($"anchors: mean best IoU {AnchorKMeans.MeanBestIou(boxes, anchors):F3} with the training boxes");

// 3. The network: a small backbone from scratch, a feature pyramid and a YOLO head on a 12×12 grid (stride 8).
var head = new YoloHead(anchors, train.ClassNames.Count, stride: 8);
var input = new TensorShape(1, scenes.Height, scenes.Width);
var network = YoloNetwork.Build(DetectionBackbones.Small(1, width: 24, seed: 1), input, head, neckWidth: 64, seed: 1);

// 4. Training: YOLO's loss, AdamW on a cosine schedule laid out over the steps that fit in the time budget.
var result = Trainer.Fit(network, train.DetectionSource(400_000), validation: null, new TrainerOptions
{
    Epochs = 1, BatchSize = 32, Seed = 1, TimeLimit = TimeSpan.FromMinutes(minutes),
    Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 5e-4f },
    Schedule = plan => new CosineAnnealing(3e-3f, plan.TotalSteps),
    Loss = new YoloLoss(head),
    Progress = new ProgressWriter(Console.Out), ProgressInterval = 50,
});
Console.WriteLine($"training: {result.StopReason}, {result.ImagesPerSecond:F0} images/s");

// 5. COCO and VOC metrics on the held-out scenes.
var evaluation = DetectionEvaluation.Of(network, head, heldOut.DetectionSource());
Console.WriteLine($"COCO AP@[.5:.95] {evaluation.Coco.AveragePrecision:F4}, AP50 {evaluation.Coco.AveragePrecision50:F4}; VOC mAP@0.5 {evaluation.Voc.MeanAveragePrecision:F4}");

// 6. ONNX with the head's metadata (anchors, stride), which Samples/EdgeScoring reads to decode and draw the boxes.
OnnxExporter.Export(new CnnModel(network, input, train.ClassNames), "detector.onnx", OnnxTaskMetadata.Detection(head));
Console.WriteLine("wrote detector.onnx");
return 0;
