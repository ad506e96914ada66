using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Distributed.Scoring;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Trainers;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

/// <summary>
/// What the scoring tests share, made once: 5,000 seeded 16×16 PNGs of three classes that color tells apart (the class's
/// channel bright over gray noise), a tiny CNN trained for one epoch on 300 of them and saved as an ML.NET model.zip that
/// takes the file's bytes, and the CSV that single-process scoring of all 5,000 gives — what every distributed run must
/// reproduce byte for byte. The trained network is also exported with OnnxExporter (<see cref="OnnxPath"/>).
/// </summary>
internal sealed class ScoringFixture
{
    public const int ImageCount = 5000, Side = 16;
    private static readonly string[] Classes = ["red", "green", "blue"];
    private static readonly Lazy<ScoringFixture> Shared = new(() => new ScoringFixture());

    private ScoringFixture()
    {
        Folder = Directory.CreateTempSubdirectory("cnn-scoring-").FullName;
        string images = Directory.CreateDirectory(Path.Combine(Folder, "images")).FullName;
        var random = new Random(19);
        var labels = new string[ImageCount];
        for (int i = 0; i < ImageCount; i++)
            labels[i] = WriteImage(Path.Combine(images, $"img-{i:D5}.png"), random);
        Manifest = ImageManifest.FromFolder(images);
        ModelPath = Path.Combine(Folder, "model.zip");
        OnnxPath = Path.Combine(Folder, "model.onnx");
        Network = Train(Enumerable.Range(0, 300).Select(i => (Path.Combine(images, $"img-{i:D5}.png"), labels[i])), ModelPath, OnnxPath);
        var scorer = SavedModelScorer.Load(ModelPath);
        ExpectedCsv = ScoreTable.Write(scorer.ClassNames, Manifest.Paths, scorer.Score(Manifest.Paths));
    }

    public static ScoringFixture Instance => Shared.Value;

    /// <summary>A temporary folder holding the images, the model and the tests' outputs.</summary>
    public string Folder { get; }

    public ImageManifest Manifest { get; }

    public string ModelPath { get; }

    /// <summary>The trained network of <see cref="ModelPath"/>.</summary>
    public CnnModel Network { get; }

    /// <summary>The trained network of <see cref="ModelPath"/> as OnnxExporter writes it.</summary>
    public string OnnxPath { get; }

    /// <summary>The output of single-process scoring of <see cref="Manifest"/>.</summary>
    public string ExpectedCsv { get; }

    /// <summary>A job over the 5,000 images into a fresh output path named <paramref name="name"/>.</summary>
    public ScoringJob Job(string name, int shardSize, TimeSpan leaseTimeout) => new()
    {
        Manifest = Manifest, ModelPath = ModelPath, OutputPath = Path.Combine(Folder, name + ".csv"), ShardSize = shardSize, LeaseTimeout = leaseTimeout,
        UnreachableTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>A PNG of a random class: that class's channel in 150..249, the other two gray noise in 40..139.</summary>
    private static string WriteImage(string path, Random random)
    {
        int label = random.Next(Classes.Length);
        var bgra = new byte[Side * Side * 4];
        for (int p = 0; p < Side * Side; p++)
        {
            for (int rgb = 0; rgb < 3; rgb++)
                bgra[4 * p + 2 - rgb] = (byte)(rgb == label ? 150 + random.Next(100) : 40 + random.Next(100));
            bgra[4 * p + 3] = 255;
        }
        using var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
        image.Save(path);
        return Classes[label];
    }

    private static CnnModel Train(IEnumerable<(string Path, string Label)> examples, string modelPath, string onnxPath)
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(examples.Select(e => new TrainingRow { Label = e.Label, ImageSource = File.ReadAllBytes(e.Path) }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions
        {
            FeatureColumnName = nameof(TrainingRow.ImageSource), Height = Side, Width = Side, Epochs = 1, BatchSize = 32, LearningRate = 1e-2f, Seed = 3,
            Network = (c, h, w, k) => new Sequential("net",
                new Conv2dLayer("conv", c, 4, 3, padding: 1), new ActivationLayer("relu", new ReLU()),
                new GlobalAvgPoolLayer("pool"), new FlattenLayer("flatten"), new DenseLayer("fc", 4, k)),
        }));
        var model = pipeline.Fit(rows);
        ml.Model.Save(model, rows.Schema, modelPath);
        var network = CnnPredictionTransformer.Find(model)!.Model;
        OnnxExporter.Export(network, onnxPath);
        return network;
    }

    public sealed class TrainingRow
    {
        public string Label { get; set; } = "";
        public byte[] ImageSource { get; set; } = [];
    }
}
