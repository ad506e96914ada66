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
        var grid = new ImageGrid(zoom: 2);
        AugmentationGallery.AddRows(grid, "RGB", scenes[0], 3, Size, ops, draws: 3, seed: 1);
        var path = Path.Combine(Path.GetTempPath(), $"gallery-{Guid.NewGuid():N}.png");
        try
        {
            grid.Save(path);
            var bytes = File.ReadAllBytes(path);
            CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], "a PNG file");
            Assert.IsTrue(bytes.Length > 10_000, $"{bytes.Length} bytes for {ops.Length} rows");
        }
        finally { File.Delete(path); }
    }
}
