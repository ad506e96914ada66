// Samples/TransferLearning, step by step: a SmallVgg pretrained with the core on Fashion-MNIST's classes 0–4 and saved as a
// model file; then an ML.NET pipeline transfers it to classes 5–9 from a few labelled images per class (the backbone
// frozen, a new dense head) and ML.NET's evaluator measures it on all their test images.
//   dotnet run Samples/Apps/transfer-learning.cs [-- --pretrain-epochs 3 --per-class 50 --epochs 30 --data DIR]
#:project ../../Trainers/MLNet.Cnn.Trainers.csproj
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property PublishAot=false

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;
using MLNet.Cnn.Transfer;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int pretrainEpochs = int.Parse(Option("--pretrain-epochs") ?? "3"), perClass = int.Parse(Option("--per-class") ?? "50");
int epochs = int.Parse(Option("--epochs") ?? "30");
string? data = Option("--data");   // default: /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)
if (!FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(data));
    return 3;
}
var trainAll = FashionMnist.LoadTrain(data);
var testAll = FashionMnist.LoadTest(data);

// The indices of the images of classes first … first + 4, at most `limit` per class, in the files' order.
static int[] OfClasses(ImageDataset images, int first, int limit) =>
    Enumerable.Range(0, images.Count).Where(i => images.Labels[i] >= first && images.Labels[i] < first + 5)
        .GroupBy(i => images.Labels[i]).SelectMany(g => g.Take(limit)).Order().ToArray();

// 1. The backbone: SmallVgg trained by the core on all the images of classes 0–4, saved as a .cnn file.
var pretrainIndices = OfClasses(trainAll, first: 0, int.MaxValue);
var pretrainSet = new ImageDataset(pretrainIndices.SelectMany(i => trainAll.Pixels(i).ToArray()).ToArray(),
    pretrainIndices.Select(i => trainAll.Labels[i]).ToArray(), 1, 28, 28, FashionMnist.ClassNames.Take(5).ToArray());
var network = SmallVgg.Build(1, 28, 28, 5, seed: 1);
Initializer.Initialize(network, seed: 1);
Trainer.Fit(network, pretrainSet, validation: null, new TrainerOptions
{
    Epochs = pretrainEpochs, BatchSize = 64, Seed = 1,
    Optimizer = parameters => new AdamW(parameters, learningRate: 3e-3f) { WeightDecay = 0.05f },
    Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
    Progress = new ProgressWriter(Console.Out, epochsOnly: true),
});
ModelFile.Save(new CnnModel(network, new TensorShape(1, 28, 28), pretrainSet.ClassNames), "backbone-classes-0-4.cnn");
Console.WriteLine($"pretrained on {pretrainSet.Count:N0} images of {string.Join(", ", pretrainSet.ClassNames)}; wrote backbone-classes-0-4.cnn");

// 2. The new task: classes 5–9, a few labelled images per class; all their test images.
static List<FashionImage> Rows(ImageDataset images, int[] indices) =>
    indices.Select(i => new FashionImage { Features = images.Pixels(i).ToArray(), Label = images.ClassNames[images.Labels[i]] }).ToList();
var ml = new MLContext(seed: 1);
var few = ml.Data.LoadFromEnumerable(Rows(trainAll, OfClasses(trainAll, first: 5, perClass)));
var test = ml.Data.LoadFromEnumerable(Rows(testAll, OfClasses(testAll, first: 5, int.MaxValue)));

// 3. Transfer: the backbone frozen up to its "features" block (computed once per image), a new dense head trained.
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.CnnTransfer(new CnnTransferOptions
    {
        BackbonePath = "backbone-classes-0-4.cnn", FeatureLayer = "features", Policy = TransferPolicy.FreezeAll,
        Head = new TransferHead { Dropout = 0.25f }, Epochs = epochs, BatchSize = 32, Seed = 1,
        Optimizer = parameters => new AdamW(parameters, learningRate: 1e-3f) { WeightDecay = 0.05f },
    }));
var model = pipeline.Fit(few);

// 4. Evaluation with ML.NET's evaluator.
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"{5 * perClass} labelled images of classes 5–9 → test accuracy {metrics.MicroAccuracy:F4} (macro {metrics.MacroAccuracy:F4})");
return 0;

public sealed class FashionImage
{
    [VectorType(28 * 28)] public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";
}
