using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Cnn.Trainers.Tests;

[TestClass]
public sealed class TenCropScoringTests
{
    private const int Side = 8, Padding = 1;

    [TestMethod]
    public void ScoresAreTheCoreNetworksProbabilitiesAveragedOverTenCrops()
    {
        var ml = new MLContext(seed: 1);
        var small = CnnMulticlassTests.SmallCnn();
        var options = new CnnMulticlassOptions
        {
            Channels = 1, Height = Side, Width = Side, Epochs = 2, BatchSize = 32, LearningRate = 3e-3f, Network = small.Network, TenCropPadding = Padding,
        };
        var rows = CnnMulticlassTests.Stripes(300, 1);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Cnn(options).Fit(keys.Transform(ml.Data.LoadFromEnumerable(rows)));
        var test = CnnMulticlassTests.Stripes(20, 2);
        var scored = model.Transform(keys.Transform(ml.Data.LoadFromEnumerable(test)));
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();

        for (int i = 0; i < test.Count; i++)
        {
            var crops = TenCrops(test[i].Features);
            var logits = CnnMulticlassTests.CoreForward(model, crops);
            var expected = new double[3];
            foreach (var crop in logits)
            {
                double max = crop.Max(), sum = crop.Sum(l => Math.Exp(l - max));
                for (int k = 0; k < 3; k++) expected[k] += Math.Exp(crop[k] - max) / sum / 10;
            }
            for (int k = 0; k < 3; k++) Assert.AreEqual(expected[k], scores[i][k], 1e-5, $"image {i}, class {k}");
            Assert.AreEqual((uint)(Array.IndexOf(expected, expected.Max()) + 1), predicted[i], $"image {i}: the predicted key is the most probable class");
        }
    }

    /// <summary>The image zero-padded by 1, cut at its four corners and center (8×8), then the five mirrored: by hand.</summary>
    private static float[][] TenCrops(float[] image)
    {
        int padded = Side + 2 * Padding;
        var pad = new float[padded * padded];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++) pad[(y + Padding) * padded + x + Padding] = image[y * Side + x];
        (int Top, int Left)[] corners = [(0, 0), (0, 2), (2, 0), (2, 2), (1, 1)];
        var crops = corners.Select(c => Enumerable.Range(0, Side * Side).Select(p => pad[(c.Top + p / Side) * padded + c.Left + p % Side]).ToArray()).ToList();
        crops.AddRange(crops.ToArray().Select(c => Enumerable.Range(0, Side * Side).Select(p => c[p / Side * Side + Side - 1 - p % Side]).ToArray()));
        return crops.ToArray();
    }
}
