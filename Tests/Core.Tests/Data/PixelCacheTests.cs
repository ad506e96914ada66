using MLNet.Cnn.Data;

namespace MLNet.Cnn.Tests.Data;

[TestClass]
public sealed class PixelCacheTests
{
    private const int C = 3, H = 5, W = 7, Size = C * H * W;

    [TestMethod]
    public void BytesComeBackAsFloatsTimesTheScaleInAnyOrder()
    {
        var random = new Random(1);
        var images = Enumerable.Range(0, 9).Select(_ => Enumerable.Range(0, Size).Select(_ => (byte)random.Next(256)).ToArray()).ToArray();
        using var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, C, H, W);
        for (int i = 0; i < images.Length; i++)
            if (i % 2 == 0) cache.Append(images[i]);
            else cache.Append(images[i].Select(b => (float)b).ToArray());   // whole floats 0 … 255, as ExtractPixels gives them unscaled
        cache.Complete();
        Assert.AreEqual(9, cache.Count);
        Assert.AreEqual(Size, cache.ImageBytes);

        const float scale = 1f / 255;
        var read = new float[Size];
        var raw = new byte[cache.ImageBytes];
        foreach (int i in new[] { 8, 0, 5, 5, 3, 1, 7, 2, 6, 4 })
        {
            cache.Read(i, read, scale, raw);
            CollectionAssert.AreEqual(images[i].Select(b => b * scale).ToArray(), read, $"image {i}");
        }
        cache.Read(3, read, 1, raw);
        CollectionAssert.AreEqual(images[3].Select(b => (float)b).ToArray(), read);
    }

    [TestMethod]
    public void FloatsComeBackBitForBit()
    {
        float[] special = [-0f, float.Epsilon, -1e-40f, 3.4e38f, 0.1f, -7.25f];
        var random = new Random(2);
        var images = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, Size)
            .Select(k => k < special.Length && i == 1 ? special[k] : (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        using var cache = PixelCache.CreateTemporary(null, PixelStorage.Floats, C, H, W);
        foreach (var image in images) cache.Append(image);
        cache.Complete();
        Assert.AreEqual(Size * 4, cache.ImageBytes);
        var read = new float[Size];
        for (int i = 3; i >= 0; i--)
        {
            cache.Read(i, read, scale: 0.5f, []);   // the scale applies to bytes only
            CollectionAssert.AreEqual(images[i].Select(BitConverter.SingleToInt32Bits).ToArray(), read.Select(BitConverter.SingleToInt32Bits).ToArray());
        }
    }

    [TestMethod]
    public void AByteCacheRefusesValuesThatAreNotWholeBytes()
    {
        using var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, C, H, W);
        cache.Append(new float[Size]);
        foreach (float bad in new[] { 0.5f, 256f, -1f, float.NaN })
        {
            var image = new float[Size];
            image[10] = bad;
            var e = Assert.ThrowsExactly<ArgumentException>(() => cache.Append(image));
            StringAssert.Contains(e.Message, "Value 10 of image 1");
            StringAssert.Contains(e.Message, "0 … 255");
        }
        Assert.AreEqual(1, cache.Count, "nothing of a refused image is kept");
        Assert.ThrowsExactly<InvalidOperationException>(() => PixelCache.CreateTemporary(null, PixelStorage.Floats, 1, 1, 1).Append(new byte[1]));
    }

    [TestMethod]
    public void WrongSizesAndReadsOutOfOrderAreRefused()
    {
        using var cache = PixelCache.CreateTemporary(null, PixelStorage.Bytes, C, H, W);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => cache.Append(new byte[Size - 1])).Message, $"3×5×7 = {Size}");
        cache.Append(new byte[Size]);
        var read = new float[Size];
        var raw = new byte[Size];
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => cache.Read(0, read, 1, raw)).Message, "Complete");
        cache.Complete();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cache.Read(1, read, 1, raw));
        Assert.ThrowsExactly<ArgumentException>(() => cache.Read(0, new float[Size + 1], 1, raw));
        Assert.ThrowsExactly<InvalidOperationException>(() => cache.Append(new byte[Size]), "no appending once complete");
    }

    [TestMethod]
    public void ATemporaryCacheLivesInTheFolderGivenAndIsDeletedWhenDisposed()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"pixel-cache-test-{Guid.NewGuid():N}");
        try
        {
            string path;
            using (var cache = PixelCache.CreateTemporary(folder, PixelStorage.Bytes, C, H, W))
            {
                cache.Append(new byte[Size]);
                cache.Append(new byte[Size]);
                cache.Complete();
                path = cache.Path;
                Assert.AreEqual(folder, Path.GetDirectoryName(path));
                Assert.AreEqual(2L * Size, new FileInfo(path).Length);
            }
            Assert.IsFalse(File.Exists(path));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
