using System.Diagnostics;
using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Onnx;

/// <summary>
/// Issue 6's evidence on real data, with the core alone: the pretrained fmnist-resnet-small (ONNX, imported and cut at
/// its "features" output) with a new dense head trained on 50 labelled images per class, against the same kind of
/// network (a small ResNet) trained from scratch on the same 500 images. Both are scored on the 10,000 test images.
/// </summary>
[TestClass]
public sealed class OnnxTransferEvidenceTests
{
    private const int PerClass = 50;

    [TestMethod]
    public void AHeadOnImportedFeaturesBeatsTrainingFromScratchOnFiftyImagesPerClass()
    {
        string path = TestModels.PathOf("fmnist-resnet-small.onnx");
        if (!FashionMnist.IsAvailable()) Assert.Inconclusive($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist.");
        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        var few = train.Subset(FirstPerClass(train, PerClass));

        var clock = Stopwatch.StartNew();
        var backbone = OnnxImporter.Load(path, cutAt: "features");
        var head = new Sequential("head", new FlattenLayer("flatten"), new DenseLayer("fc", 64, 10));
        Initializer.Initialize(head, seed: 1);
        Trainer.Fit(head, Features(backbone, few), null, new TrainerOptions
        {
            Epochs = 100, BatchSize = 50, Seed = 1, Optimizer = ps => new AdamW(ps, learningRate: 1e-2f),
        });
        double transfer = Evaluation.Of(new Sequential("transfer", backbone, head), test, new SoftmaxCrossEntropy()).Accuracy;
        double transferSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var scratch = ResNetSmall.Build(widths: [16, 32, 64], blocksPerStage: 1);
        Initializer.Initialize(scratch, seed: 1, WeightInit.HeNormalFanOut);
        Trainer.Fit(scratch, few, null, new TrainerOptions
        {
            Epochs = 30, BatchSize = 50, Seed = 1, Optimizer = ps => new AdamW(ps, learningRate: 3e-3f) { WeightDecay = 0.05f },
            Schedule = plan => new OneCycle(3e-3f, plan.TotalSteps),
        });
        double fromScratch = Evaluation.Of(scratch, test, new SoftmaxCrossEntropy()).Accuracy;
        double scratchSeconds = clock.Elapsed.TotalSeconds;

        Console.WriteLine($"transfer (imported backbone, head on 500 images): {transfer:F4} in {transferSeconds:F1} s; " +
                          $"from scratch on the same 500 images: {fromScratch:F4} in {scratchSeconds:F1} s");
        Assert.IsTrue(transfer > fromScratch + 0.03, $"transfer {transfer:F4} vs scratch {fromScratch:F4}");
    }

    private static int[] FirstPerClass(ImageDataset data, int perClass)
    {
        var taken = new int[data.ClassCount];
        var indices = new List<int>();
        for (int i = 0; i < data.Count && indices.Count < perClass * data.ClassCount; i++)
            if (taken[data.Labels[i]]++ < perClass) indices.Add(i);
        return indices.ToArray();
    }

    /// <summary>The backbone's features of every image, as a dataset of 64×1×1 "images" with the same labels.</summary>
    private static ImageDataset Features(Layer backbone, ImageDataset data)
    {
        var images = new Tensor(data.Count, data.Channels, data.Height, data.Width);
        var labels = new Tensor(data.Count);
        data.Gather(Enumerable.Range(0, data.Count).ToArray(), images, labels);
        var features = backbone.Forward(images, training: false).ToArray();
        return new ImageDataset(features, data.Labels.ToArray(), features.Length / data.Count, 1, 1, data.ClassNames);
    }
}
