using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Models;
using MLNet.Cnn.Trainers;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Benchmarks.Adapter;

/// <summary>
/// The ML.NET adapter's overhead: the same network (LeNet-5), data (Fashion-MNIST's 60,000 training images), seed and
/// settings trained by the core's own loop (<see cref="Trainer.Fit"/> on an in-memory <see cref="ImageDataset"/>) and
/// by the ML.NET pipeline (IDataView → MapValueToKey → CNN trainer: reads the rows, trains, exports ONNX, builds the
/// scoring chain). Rounds alternate core and ML.NET so both see the same machine; the median of each is reported.
/// </summary>
internal static class AdapterBenchmark
{
    private const int Epochs = 2, BatchSize = 64, Rounds = 3;

    private sealed class Row
    {
        [VectorType(28 * 28)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public static void Run(BenchmarkOptions options)
    {
        if (!FashionMnist.IsAvailable())
        {
            Console.WriteLine($"Fashion-MNIST is not in {FashionMnist.DebianDirectory}; apt-get install -y dataset-fashion-mnist");
            return;
        }
        var train = FashionMnist.LoadTrain();
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, train.Count)
            .Select(i => new Row { Features = train.Pixels(i).ToArray(), Label = train.ClassNames[train.Labels[i]] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);

        var core = new List<double>();
        var mlnet = new List<double>();
        var mlnetLoop = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            core.Add(Timing.SecondsOfOne(() => TrainCore(train)));
            CnnPredictionTransformer? fitted = null;
            mlnet.Add(Timing.SecondsOfOne(() => fitted = TrainMLNet(ml, data)));
            mlnetLoop.Add(fitted!.Training.Duration.TotalSeconds);
            Console.WriteLine($"round {round + 1}: core {core[^1]:F2} s, ML.NET {mlnet[^1]:F2} s (of which the training loop {mlnetLoop[^1]:F2} s)");
        }

        double coreSeconds = Timing.Median([.. core]), mlnetSeconds = Timing.Median([.. mlnet]), loopSeconds = Timing.Median([.. mlnetLoop]);
        var results = new Results("path", "seconds", "images_per_s", "ratio_to_core");
        double images = (double)Epochs * (train.Count / BatchSize * BatchSize);
        results.Add("core Trainer.Fit", Results.Number(coreSeconds), Results.Number(images / coreSeconds, 0), "1.000");
        results.Add("ML.NET pipeline Fit", Results.Number(mlnetSeconds), Results.Number(images / mlnetSeconds, 0), Results.Number(mlnetSeconds / coreSeconds, 3));
        results.Add("  of which training loop", Results.Number(loopSeconds), Results.Number(images / loopSeconds, 0), Results.Number(loopSeconds / coreSeconds, 3));
        results.Print();
        Console.WriteLine($"wrote {results.WriteCsv("adapter.csv")}");
    }

    private static void TrainCore(ImageDataset train)
    {
        var network = LeNet5.Build();
        Initializer.Initialize(network, 1);
        Trainer.Fit(network, train, null, new TrainerOptions
        {
            Epochs = Epochs, BatchSize = BatchSize, Seed = 1,
            Optimizer = parameters => new AdamW(parameters, learningRate: 1e-3f) { WeightDecay = 0.01f },
        });
    }

    private static CnnPredictionTransformer TrainMLNet(MLContext ml, IDataView data)
    {
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions { Epochs = Epochs, BatchSize = BatchSize, Seed = 1 }));
        return pipeline.Fit(data).LastTransformer;
    }
}
