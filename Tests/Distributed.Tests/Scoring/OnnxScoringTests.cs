using System.Globalization;
using Microsoft.ML.Data;
using MLNet.Cnn.Distributed.Scoring;
using MLNet.Cnn.Models;
using MLNet.Cnn.Onnx;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Distributed.Tests.Scoring;

[TestClass]
public sealed class OnnxScoringTests
{
    private const int Images = 300;
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(2);

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task TwoSilosScoringTheOnnxExportGiveEachImageOnceWithTheLabelsAndProbabilitiesOfTheModelZip()
    {
        var fixture = ScoringFixture.Instance;
        var job = fixture.Job("onnx", shardSize: 40, ShortLease) with
        {
            Manifest = ImageManifest.FromPaths(fixture.Manifest.Paths.Take(Images)),
            ModelPath = fixture.OnnxPath,
        };
        await using var cluster = await ScoringCluster.StartAsync(2);

        var final = await DistributedScoring.RunAsync(cluster.Client, job);

        var expected = fixture.ExpectedCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(Images + 1).ToArray();
        var actual = File.ReadAllText(job.OutputPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(expected[0], actual[0], "the same header: path, label, one column per class");
        Assert.HasCount(Images + 1, actual, "one row per image");
        CollectionAssert.AreEqual(fixture.Manifest.Paths.Take(Images).ToArray(), actual.Skip(1).Select(r => r.Split(',')[0]).ToArray(),
            "each image exactly once, in manifest order");
        for (int i = 1; i <= Images; i++)
        {
            string[] want = expected[i].Split(','), got = actual[i].Split(',');
            Assert.AreEqual(want[1], got[1], $"the label of {want[0]}");
            for (int c = 2; c < want.Length; c++)
                Assert.AreEqual(Parse(want[c]), Parse(got[c]), 1e-4, $"the probability of class {expected[0].Split(',')[c]} for {want[0]}");
        }
        Assert.AreEqual(Images, final.CommittedImages);
        Assert.AreEqual(Images, final.Silos.Sum(s => s.Images), "no image was scored twice");
    }

    [TestMethod]
    public void TheOnnxScorerNormalizesThePixelsAsTheMetadataSays()
    {
        // The fixture's trainer normalizes nothing (mean 0, std 1): the same network exported with another normalization
        // must see (x − mean) / std, checked against the network run in-process on pixels decoded here.
        var fixture = ScoringFixture.Instance;
        var trained = fixture.Network;
        var model = new CnnModel(trained.Network, trained.InputShape, trained.ClassNames, new Normalization([0.2f, 0.4f, 0.6f], [0.5f, 0.25f, 2f]));
        string onnx = Path.Combine(fixture.Folder, "normalized.onnx");
        OnnxExporter.Export(model, onnx);
        var images = fixture.Manifest.Paths.Take(8).ToArray();

        using var scorer = OnnxModelScorer.Load(onnx);
        var scores = scorer.Score(images);

        int side = ScoringFixture.Side, plane = side * side;
        var input = new Tensor(images.Length, 3, side, side);
        for (int n = 0; n < images.Length; n++)
        {
            using var image = MLImage.CreateFromFile(images[n]);
            var bgra = image.Pixels;
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < plane; p++)
                    input.Span[(n * 3 + c) * plane + p] = (bgra[4 * p + 2 - c] / 255f - model.Normalization.Mean[c]) / model.Normalization.Std[c];
        }
        var logits = model.Network.Forward(input, training: false).Span;
        int classes = model.ClassNames.Count;
        for (int n = 0; n < images.Length; n++)
        {
            var row = logits.Slice(n * classes, classes).ToArray();
            double sum = row.Sum(z => Math.Exp(z - row.Max()));
            for (int k = 0; k < classes; k++)
                Assert.AreEqual(Math.Exp(row[k] - row.Max()) / sum, scores[n][k], 1e-4, $"class {k} of {images[n]}");
        }
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task ACorruptOnnxFileFailsTheRunNamingTheFile()
    {
        var fixture = ScoringFixture.Instance;
        string corrupt = Path.Combine(fixture.Folder, "corrupt.onnx");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(fixture.OnnxPath).AsSpan(0, 100).ToArray());   // a truncated export
        var job = fixture.Job("corrupt-onnx", shardSize: 10, ShortLease) with
        {
            Manifest = ImageManifest.FromPaths(fixture.Manifest.Paths.Take(20)),
            ModelPath = corrupt,
        };
        await using var cluster = await ScoringCluster.StartAsync(1);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DistributedScoring.RunAsync(cluster.Client, job));

        StringAssert.Contains(error.Message, corrupt);
        StringAssert.Contains(error.Message, "ONNX");
        Assert.IsFalse(File.Exists(job.OutputPath));
    }

    [TestMethod]
    public async Task AModelOfAnotherKindIsRefusedNamingTheFile()
    {
        var fixture = ScoringFixture.Instance;
        var job = fixture.Job("other-kind", 10, ShortLease) with { ModelPath = Path.Combine(fixture.Folder, "model.pt") };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => DistributedScoring.RunAsync(NoCluster.Create(), job));

        StringAssert.Contains(error.Message, job.ModelPath);
    }

    private static double Parse(string score) => double.Parse(score, CultureInfo.InvariantCulture);
}
