using MLNet.Cnn.Augment;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;
using MLNet.Cnn.Training;

namespace MLNet.Cnn.Tests.Augment;

[TestClass]
public sealed class TenCropTests
{
    [TestMethod]
    [DataRow(2, 5, 6, 3, 4)] // centre (1, 1)
    [DataRow(1, 6, 5, 3, 4)] // centre (round(1.5) = 2, round(0.5) = 0): half to even, as Python
    [DataRow(3, 4, 4, 4, 4)] // crops of the whole image
    public void CropsAreTheHandComputedSlicesInTorchvisionOrder(int channels, int height, int width, int cropHeight, int cropWidth)
    {
        var image = TestData.Floats(1, channels * height * width);
        var crops = TenCrop.Crops(image, channels, height, width, cropHeight, cropWidth);

        int bottom = height - cropHeight, right = width - cropWidth;
        var offsets = new[] { (0, 0), (0, right), (bottom, 0), (bottom, right), ((int)Math.Round(bottom / 2.0), (int)Math.Round(right / 2.0)) };
        // The flipped five are the same five crops of the mirrored image.
        var mirrored = new float[image.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < height; i++)
                for (int j = 0; j < width; j++)
                    mirrored[(c * height + i) * width + j] = image[(c * height + i) * width + width - 1 - j];
        int cropSize = channels * cropHeight * cropWidth;
        for (int k = 0; k < 10; k++)
        {
            var (top, left) = offsets[k % 5];
            var source = k < 5 ? image : mirrored;
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < cropHeight; i++)
                    for (int j = 0; j < cropWidth; j++)
                        Assert.AreEqual(source[(c * height + top + i) * width + left + j],
                            crops[k * cropSize + (c * cropHeight + i) * cropWidth + j], $"crop {k} ({c}, {i}, {j})");
        }
    }

    [TestMethod]
    public void PredictIsTheMeanOfEachCropsSoftmax()
    {
        const int n = 3, channels = 2, height = 7, width = 6, cropHeight = 5, cropWidth = 4, classes = 4;
        var network = new Sequential("net", new FlattenLayer("flatten"), new DenseLayer("dense", channels * cropHeight * cropWidth, classes));
        Initializer.Initialize(network, seed: 1);
        var images = TestData.Tensor(2, n, channels, height, width);

        var predicted = TenCrop.Predict(network, images, cropHeight, cropWidth);

        Assert.AreEqual(new TensorShape(n, classes), predicted.Shape);
        var expected = new double[n * classes];
        int imageSize = channels * height * width, cropSize = channels * cropHeight * cropWidth;
        for (int i = 0; i < n; i++)
        {
            var crops = TenCrop.Crops(images.Span.Slice(i * imageSize, imageSize), channels, height, width, cropHeight, cropWidth);
            for (int k = 0; k < 10; k++)
            {
                var crop = Tensor.FromArray(crops.AsSpan(k * cropSize, cropSize).ToArray(), 1, channels, cropHeight, cropWidth);
                var logits = network.Forward(crop, training: false).ToArray();
                double max = logits.Max(), total = logits.Sum(z => Math.Exp(z - max));
                for (int c = 0; c < classes; c++) expected[i * classes + c] += Math.Exp(logits[c] - max) / total / 10;
            }
        }
        Approx.AssertClose(expected, predicted.Span, 1e-6, "ten-crop probabilities");
    }

    [TestMethod]
    public void ACropLargerThanTheImageIsRefused()
    {
        var image = new float[3 * 4 * 5];
        OutOfRangeAssert.Throws(() => TenCrop.Crops(image, 3, 4, 5, 5, 5), "cropHeight", "5", "4×5");
        OutOfRangeAssert.Throws(() => TenCrop.Crops(image, 3, 4, 5, 4, 6), "cropWidth", "6", "4×5");
        OutOfRangeAssert.Throws(() => TenCrop.Crops(image, 3, 4, 5, 0, 2), "cropHeight", "0");
        var network = new Sequential("net", new FlattenLayer("flatten"));
        OutOfRangeAssert.Throws(() => TenCrop.Predict(network, new Tensor(2, 3, 4, 5), 3, 9), "cropWidth", "9", "4×5");
    }
}
