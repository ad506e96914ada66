using MLNet.Cnn.Data;
using MLNet.Cnn.Explain;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Explain;

[TestClass]
public sealed class TopActivationsTests
{
    [TestMethod]
    public void MatchesBruteForceWithTiesByTheLowerIndex()
    {
        var model = ExplainNetworks.Small();
        const int count = 23;
        int size = model.InputShape.Length;
        var pixels = TestData.Floats(1, count * size, 2f);
        // Image 17 repeats image 5 made strong, and 9 repeats 2: two ties, the first near the top.
        for (int i = 0; i < size; i++) pixels[5 * size + i] *= 3f;
        Array.Copy(pixels, 5 * size, pixels, 17 * size, size);
        Array.Copy(pixels, 2 * size, pixels, 9 * size, size);
        var images = Enumerable.Range(0, count).Select(i => Tensor.FromArray(pixels[(i * size)..((i + 1) * size)], [.. model.InputShape.Dimensions])).ToArray();
        var source = new ImageDataset(pixels, new int[count], 3, 6, 5, ["cat", "dog", "bird"]);

        int ties = 0;
        foreach (var (layer, channel, k) in new[] { ("features/relu", 2, 6), ("block/body/tanh", 1, 23), ("fc", 0, 30), ("gap", 3, 1) })
        {
            // Batches of 5, the last one of 3 images, for both (a kernel may round an image differently in another batch).
            var all = Enumerable.Range(0, (count + 4) / 5).SelectMany(b => LayerActivations.Of(model, layer,
                Tensor.FromArray(pixels[(b * 5 * size)..(Math.Min(count, b * 5 + 5) * size)], [Math.Min(5, count - b * 5), .. model.InputShape.Dimensions])).ToArray());
            var expected = BruteForce(Tensor.FromArray([.. all], [count, .. LayerPaths.Find(model, layer).OutputShape.Dimensions]), channel, k, model.InputShape);
            var fromImages = TopActivations.Find(model, layer, channel, images, k, batchSize: 5);
            var fromSource = TopActivations.Find(model, layer, channel, source, k, batchSize: 5);
            CollectionAssert.AreEqual(expected, fromImages.ToArray(), $"{layer} channel {channel}, from images");
            CollectionAssert.AreEqual(expected, fromSource.ToArray(), $"{layer} channel {channel}, from a batch source");
            ties += expected.Zip(expected.Skip(1)).Count(p => p.First.Value == p.Second.Value);
        }
        Assert.IsTrue(ties >= 2, $"the repeated images give ties; {ties} were compared");
    }

    [TestMethod]
    public void GivesTheMaximumsPositionInTheMapAndInTheInput()
    {
        var model = ExplainNetworks.ClassActivationMap();
        // The "bright" channel of the 4×4 map of an 8×8 image is the mean of each 2×2 cell: the brightest cell is (1, 2).
        var image = new Tensor(1, 8, 8);
        image.Span[3 * 8 + 5] = 1f;
        image.Span[6 * 8 + 1] = 0.5f;
        var dark = new Tensor(1, 8, 8);
        var top = TopActivations.Find(model, "relu", 0, [dark, image, dark], k: 2);
        Assert.AreEqual(new ChannelActivation(1, 0.25f, 1, 2, 2.5, 4.5), top[0], "(y + ½)·8/4 − ½");
        Assert.AreEqual(new ChannelActivation(0, 0f, 0, 0, 0.5, 0.5), top[1], "all zero: the first position, the first image");
        // A vector counts as 1×1 maps: the centre of the image.
        var logit = TopActivations.Find(model, "fc", 1, [image], k: 1)[0];
        Assert.AreEqual((0, 0, 3.5, 3.5), (logit.Y, logit.X, logit.CenterY, logit.CenterX));
    }

    [TestMethod]
    public void RejectsBadArguments()
    {
        var model = ExplainNetworks.Small();
        Tensor[] images = [TestData.Tensor(3, ExplainNetworks.SmallImage)];
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TopActivations.Find(model, "features/relu", 4, images, 1));
        StringAssert.Contains(e.Message, "4 channels");
        ArgumentAssert.Throws(() => TopActivations.Find(model, "features/relu", 0, images, 0), "k");
        ArgumentAssert.Throws(() => TopActivations.Find(model, "features/relu", 0, images, 1, batchSize: 0), "batchSize");
        ArgumentAssert.Throws(() => TopActivations.Find(model, "features/relu", 0, [.. images, TestData.Tensor(4, 3, 5, 6)], 1), "images",
            "Image 1", "[3, 5, 6]", "[3, 6, 5]");
        var other = new ImageDataset(new float[2 * 90], new int[2], 3, 5, 6, ["a", "b"]);
        ArgumentAssert.Throws(() => TopActivations.Find(model, "features/relu", 0, other, 1), "source", "3×5×6", "[3, 6, 5]");
        ArgumentAssert.Throws(() => TopActivations.Find(model, "nope", 0, images, 1), "name", "no layer 'nope'");
    }

    /// <summary>Every image's maximum of the channel by plain loops, sorted by value, then index.</summary>
    private static ChannelActivation[] BruteForce(Tensor activations, int channel, int k, TensorShape image)
    {
        int n = activations.Shape[0], channels = activations.Shape[1];
        var (h, w) = activations.Shape.Rank == 4 ? (activations.Shape[2], activations.Shape[3]) : (1, 1);
        var all = new List<ChannelActivation>();
        for (int i = 0; i < n; i++)
        {
            var (value, by, bx) = (float.NegativeInfinity, 0, 0);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float v = activations.Span[((i * channels + channel) * h + y) * w + x];
                    if (v > value) (value, by, bx) = (v, y, x);
                }
            all.Add(new ChannelActivation(i, value, by, bx, (by + 0.5) * image[1] / h - 0.5, (bx + 0.5) * image[2] / w - 0.5));
        }
        return [.. all.OrderByDescending(a => a.Value).ThenBy(a => a.ImageIndex).Take(k)];
    }
}
