using MLNet.Cnn.Samples.Augmentation;

namespace MLNet.Cnn.Samples.Tests;

[TestClass]
public sealed class AugmentationGallerySampleTests
{
    [TestMethod]
    public void TheGalleryDrawsEveryOpOnAnRgbPicture()
    {
        const int Size = 32;
        var scenes = Enumerable.Range(0, 8).Select(v => SyntheticScene.Draw(Size, v)).ToArray();
        var ops = Gallery.Geometry(Size).Concat(Gallery.Color(scenes, 3)).Append(Gallery.Pipeline(Size)).ToArray();
        var rows = AugmentationGallery.Rows("RGB", scenes[0], 3, Size, ops, draws: 3, seed: 1).ToList();
        Assert.HasCount(ops.Length, rows);
        Assert.IsTrue(rows.All(r => r.Images.Count == 4), "the original and 3 draws in every row");
        // 32-pixel images ×3, one row per op, 4-pixel gaps, the titles in a margin on the left.
        var picture = AugmentationGallery.Picture(rows);
        Assert.AreEqual(ops.Length * 96 + (ops.Length + 1) * 4, picture.Height);
        Assert.IsGreaterThan(4 * 96 + 5 * 4, picture.Width);
        var png = picture.EncodePng();
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4], "a PNG file");
        Assert.IsGreaterThan(10_000, png.Length, $"{png.Length} bytes for {ops.Length} rows");
    }
}
