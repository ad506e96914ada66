using MLNet.Cnn.Data;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Segmentation;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Training;

namespace MLNet.Cnn.Tests.Segmentation;

[TestClass]
public sealed class SegmentationEvaluationTests
{
    /// <summary>Reads each pixel's value as a class (or 255) and answers it with a logit of 1 for that class (class 0 for 255).</summary>
    private sealed class Echo(int classes) : Layer("echo")
    {
        public override TensorShape OutputShape(TensorShape input) => new(input[0], classes, input[2], input[3]);

        public override Tensor Forward(Tensor input, bool training)
        {
            var output = new Tensor(OutputShape(input.Shape));
            int plane = input.Shape[2] * input.Shape[3];
            for (int n = 0; n < input.Shape[0]; n++)
                for (int p = 0; p < plane; p++)
                {
                    int c = (int)input.Span[n * plane + p];
                    output.Span[(n * classes + (c < classes ? c : 0)) * plane + p] = 1;
                }
            return output;
        }

        public override Tensor Backward(Tensor gradOutput) => throw new NotSupportedException();
    }

    private static TensorSource Source(float[] images, float[] maps, int size, int? ignoreLabel = 255) =>
        new(SampleLayout.Segmentation(1, size, size, ["background", "a", "b"], ignoreLabel), images, maps);

    [TestMethod]
    public void A_network_that_predicts_every_pixel_right_has_mean_IoU_one_whatever_the_ignored_pixels()
    {
        var source = SegmentationTrainingTests.Thresholded(5, seed: 4);
        var perfect = new Sequential("net", new Echo(2));
        // the images hold the class maps themselves
        var images = new float[5 * 256];
        var targets = new Tensor(5, 16, 16);
        source.Gather([0, 1, 2, 3, 4], new Tensor(5, 1, 16, 16), targets);
        targets.Span.CopyTo(images);
        var metrics = SegmentationEvaluation.Of(perfect, new TensorSource(source.Layout, images, targets.ToArray()), batchSize: 2);
        Assert.AreEqual(1.0, metrics.MeanIoU);
        Assert.AreEqual(1.0, metrics.PixelAccuracy);
    }

    [TestMethod]
    public void Pixels_of_every_batch_go_into_one_confusion_matrix()
    {
        // two 2×2 images; image 0 predicts [0, 1, 2, 0] for truth [0, 1, 1, 255]; image 1 predicts [2, 2, 0, 0] for [2, 2, 0, 1]
        float[] predicted = [0, 1, 2, 0, 2, 2, 0, 0];
        float[] truth = [0, 1, 1, 255, 2, 2, 0, 1];
        var metrics = SegmentationEvaluation.Of(new Sequential("net", new Echo(3)), Source(predicted, truth, 2), batchSize: 1);
        // counted 7 pixels, right 5; class 0: TP 2, FP 1, FN 0 → 2/3; class 1: TP 1, FN 2 → 1/3; class 2: TP 2, FP 1 → 2/3
        Assert.AreEqual(5.0 / 7, metrics.PixelAccuracy, 1e-12);
        CollectionAssert.AreEqual(new[] { 2.0 / 3, 1.0 / 3, 2.0 / 3 }, metrics.PerClassIoU.ToArray());

        var detection = new TensorSource(SampleLayout.Detection(1, 2, 2, ["a"], 1), new float[4], [-1, 0, 0, 0, 0]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SegmentationEvaluation.Of(new Sequential("net", new Echo(3)), detection)).Message,
            "Segmentation metrics need class maps");
        var wrong = Assert.ThrowsExactly<ArgumentException>(() => SegmentationEvaluation.Of(new Sequential("net", new Echo(2)), Source(predicted, truth, 2)));
        StringAssert.Contains(wrong.Message, "expected [n, 3, H, W]");
    }
}
