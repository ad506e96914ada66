using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Cnn.Data;
using MLNet.Cnn.Kernels;
using MLNet.Cnn.Layers;

namespace MLNet.Cnn.Trainers.Tests;

/// <summary>The network's input geometry is found from the data where the options leave it out, or refused with what to set.</summary>
[TestClass]
public sealed class InputGeometryTests
{
    private static int[] Resolve(int vectorSize, int? c = null, int? h = null, int? w = null) =>
        InputGeometry.Resolve(new CnnMulticlassOptions { Channels = c, Height = h, Width = w }, InputKind.Pixels,
            new VectorDataViewType(NumberDataViewType.Single, vectorSize)).Dimensions.ToArray();

    [TestMethod]
    public void AVectorOfSquareImagesGivesItsChannelsAndSide()
    {
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, Resolve(784));
        CollectionAssert.AreEqual(new[] { 3, 32, 32 }, Resolve(3072));
        CollectionAssert.AreEqual(new[] { 3, 16, 16 }, Resolve(768));
        CollectionAssert.AreEqual(new[] { 4, 8, 8 }, Resolve(256, c: 4));
        CollectionAssert.AreEqual(new[] { 3, 4, 8 }, Resolve(96, h: 4, w: 8), "the channels from height and width");
        CollectionAssert.AreEqual(new[] { 2, 4, 6 }, Resolve(48, c: 2, h: 4), "the width from the channels and height");
        CollectionAssert.AreEqual(new[] { 2, 6, 4 }, Resolve(48, c: 2, w: 4));
    }

    [TestMethod]
    public void AVectorThatDoesNotSplitIsRefusedWithWhatToSet()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Resolve(1000));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "size 1000");
        StringAssert.Contains(e.Message, "set Channels, Height and Width (their product must be 1000)");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Resolve(100, h: 3)).Message, "?×3×?");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Resolve(784, 1, 28, 27)).Message, "756 = 1×28×27");
    }

    [TestMethod]
    public void ImagesAreColorByDefaultAndNeedASizeUnlessTheirTypeHasOne()
    {
        var any = new Microsoft.ML.Transforms.Image.ImageDataViewType();
        var e = Assert.ThrowsExactly<ArgumentException>(() => InputGeometry.Resolve(new CnnMulticlassOptions(), InputKind.Image, any));
        StringAssert.Contains(e.Message, "set Height and Width");
        StringAssert.Contains(e.Message, "resized");
        Assert.ThrowsExactly<ArgumentException>(() => InputGeometry.Resolve(new CnnMulticlassOptions { Height = 64 }, InputKind.EncodedBytes,
            new VectorDataViewType(NumberDataViewType.Byte)));
        CollectionAssert.AreEqual(new[] { 3, 64, 48 }, InputGeometry.Resolve(new CnnMulticlassOptions { Height = 64, Width = 48 }, InputKind.EncodedBytes,
            new VectorDataViewType(NumberDataViewType.Byte)).Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 20, 30 }, InputGeometry.Resolve(new CnnMulticlassOptions(), InputKind.Image,
            new Microsoft.ML.Transforms.Image.ImageDataViewType(20, 30)).Dimensions.ToArray(), "the size of resized images");
        CollectionAssert.AreEqual(new[] { 1, 20, 30 }, InputGeometry.Resolve(new CnnMulticlassOptions { Channels = 1 }, InputKind.Image,
            new Microsoft.ML.Transforms.Image.ImageDataViewType(20, 30)).Dimensions.ToArray());
    }

    [TestMethod]
    public void AnImageColumnWithDefaultOptionsIsRefusedNotTrainedAsTinyGrayImages()
    {
        var directory = Directory.CreateTempSubdirectory("cnn-geometry-");
        try
        {
            var ml = new MLContext(seed: 1);
            var rows = ColorPictures.Write(20, 1, directory.FullName);
            var pipeline = ml.Transforms.LoadImages("Features", null, "Path").Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnMulticlassOptions { Epochs = 1 }));
            var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
            StringAssert.Contains(e.Message, "set Height and Width");
        }
        finally { directory.Delete(recursive: true); }
    }
}
