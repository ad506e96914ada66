using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Training;
using static MLNet.Cnn.Tests.Training.TrainerTests;

namespace MLNet.Cnn.Tests.Data;

[TestClass]
public sealed class CachedImageSourceTests
{
    private const float Scale = 1f / 255;

    /// <summary>The same images as bytes in a cache and as floats b · scale in memory, of three classes.</summary>
    private static (CachedImageSource Cached, ImageDataset InMemory) Twins(int count, int channels, int height, int width, int seed)
    {
        var random = new Random(seed);
        int size = channels * height * width;
        var bytes = new byte[count * size];
        random.NextBytes(bytes);
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(3)).ToArray();
        string[] names = ["a", "b", "c"];
        var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, channels, height, width);
        for (int i = 0; i < count; i++) cache.Append(bytes.AsSpan(i * size, size));
        var pixels = bytes.Select(b => b * Scale).ToArray();
        return (CachedImageSource.Classification(cache, labels, names, Scale), new ImageDataset(pixels, labels, channels, height, width, names));
    }

    private static (float[] Images, float[] Targets) Gather(IBatchSource source, int[] indices)
    {
        var images = new Tensor(source.Layout.ImageShape(indices.Length));
        var targets = new Tensor(source.Layout.TargetShape(indices.Length));
        source.Gather(indices, images, targets);
        return (images.ToArray(), targets.ToArray());
    }

    [TestMethod]
    public void PlannedAndUnplannedReadsGiveWhatTheSameImagesInMemoryGive()
    {
        var (cached, inMemory) = Twins(50, 3, 4, 5, seed: 1);
        using (cached)
        {
            var order = Enumerable.Range(0, 50).ToArray();
            new Random(3).Shuffle(order);
            cached.Plan(order, batchSize: 8);   // 7 batches, the last of 2
            for (int start = 0; start < 50; start += 8)
            {
                var batch = order[start..Math.Min(50, start + 8)];
                var (images, targets) = Gather(cached, batch);
                var expected = Gather(inMemory, batch);
                CollectionAssert.AreEqual(expected.Images, images, $"planned batch at {start}");
                CollectionAssert.AreEqual(expected.Targets, targets);
            }
            // Out of plan: after the plan, a read that is not the next planned batch, and a new plan read only in part.
            int[] other = [4, 4, 49, 0];
            CollectionAssert.AreEqual(Gather(inMemory, other).Images, Gather(cached, other).Images);
            cached.Plan(order, batchSize: 10);
            CollectionAssert.AreEqual(Gather(inMemory, order[..10]).Images, Gather(cached, order[..10]).Images);
            CollectionAssert.AreEqual(Gather(inMemory, order[20..30]).Images, Gather(cached, order[20..30]).Images, "batch 2 asked for while batch 1 was announced");
            CollectionAssert.AreEqual(Gather(inMemory, order[30..40]).Images, Gather(cached, order[30..40]).Images);
            cached.Plan(order, batchSize: 4);   // smaller batches after larger ones reuse the larger buffers
            CollectionAssert.AreEqual(Gather(inMemory, order[..4]).Images, Gather(cached, order[..4]).Images);
            CollectionAssert.AreEqual(Gather(inMemory, order[4..8]).Images, Gather(cached, order[4..8]).Images);
        }
    }

    [TestMethod]
    public void TrainingFromTheCacheGivesTheBitsOfTrainingInMemory()
    {
        // Stripes (small gray images) as whole bytes: the cached images are the in-memory ones to the bit.
        var stripes = Stripes(150, 2);
        var bytes = new byte[stripes.Count * stripes.ImageSize];
        for (int i = 0; i < stripes.Count; i++)
        {
            var pixels = stripes.Pixels(i);
            for (int k = 0; k < pixels.Length; k++) bytes[i * stripes.ImageSize + k] = (byte)Math.Round(pixels[k] * 100);
        }
        var inMemory = new ImageDataset(bytes.Select(b => b * 0.01f).ToArray(), stripes.Labels.ToArray(), 1, stripes.Height, stripes.Width, stripes.ClassNames);
        var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, 1, stripes.Height, stripes.Width);
        for (int i = 0; i < stripes.Count; i++) cache.Append(bytes.AsSpan(i * stripes.ImageSize, stripes.ImageSize));
        using var cached = CachedImageSource.Classification(cache, stripes.Labels.ToArray(), stripes.ClassNames, 0.01f);

        (float[] Weights, TrainingResult Result) Train(IBatchSource source)
        {
            var network = SmallCnn();
            Initializer.Initialize(network, seed: 4);
            var result = Trainer.Fit(network, source, null, new TrainerOptions
            {
                Epochs = 3, BatchSize = 16, Seed = 5, ValidationFraction = 0.2, Augmentation = new HorizontalFlip(),
            });
            return (network.AllParameters().SelectMany(p => p.Value.ToArray()).ToArray(), result);
        }
        var expected = Train(inMemory);
        var actual = Train(cached);
        CollectionAssert.AreEqual(expected.Weights, actual.Weights);
        CollectionAssert.AreEqual(expected.Result.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy)).ToArray(),
            actual.Result.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy)).ToArray());
        Assert.IsTrue(actual.Result.Epochs[^1].ValidationAccuracy > 0.6, $"it learns: {actual.Result.Epochs[^1].ValidationAccuracy}");
    }

    [TestMethod]
    public void AFailureWhileReadingAheadIsThrownByTheReadOfThatBatch()
    {
        var failure = new IOException("disk gone");
        using var prefetcher = new BatchPrefetcher(imageSize: 2, (indices, buffer) =>
        {
            if (indices[0] == 4) throw failure;
            for (int i = 0; i < indices.Length; i++) buffer.Span.Slice(i * 2, 2).Fill(indices[i]);
        });
        var order = Enumerable.Range(0, 8).ToArray();
        prefetcher.Plan(order, batchSize: 2);
        var destination = new float[4];
        Assert.IsTrue(prefetcher.TryTake(order[..2], destination));
        CollectionAssert.AreEqual(new float[] { 0, 0, 1, 1 }, destination);
        Assert.IsTrue(prefetcher.TryTake(order[2..4], destination));
        CollectionAssert.AreEqual(new float[] { 2, 2, 3, 3 }, destination);
        Assert.AreSame(failure, Assert.ThrowsExactly<IOException>(() => prefetcher.TryTake(order[4..6], destination)));
        Assert.IsFalse(prefetcher.TryTake(order[6..8], destination), "after the failure the plan is over; the source reads by itself");
    }

    [TestMethod]
    public void TheSourceRefusesLabelsThatDoNotFitItsCache()
    {
        var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, 1, 2, 2);
        cache.Append(new byte[4]);
        cache.Append(new byte[4]);
        using (cache)
        {
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CachedImageSource.Classification(cache, [0], ["a", "b"])).Message, "2 images; 1 labels");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CachedImageSource.Classification(cache, [0, 2], ["a", "b"])).Message, "Label 2 of image 1");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CachedImageSource.Regression(cache, [0, float.NaN], 1)).Message, "finite");
        }
        using var empty = PixelCache.CreateTemporary(null, PixelStorage.Bytes, 1, 2, 2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => CachedImageSource.Classification(empty, [], ["a", "b"])).Message, "no images");
    }
}
