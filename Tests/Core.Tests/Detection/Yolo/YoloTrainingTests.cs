using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Detection.Yolo;

[TestClass]
public sealed class YoloTrainingTests
{
    [TestMethod]
    public void Gradient_descent_on_a_free_head_output_finds_the_ground_truth_boxes()
    {
        // no network: the head output itself is the parameter; decoding it after training must give mAP@0.5 = 1
        var head = new YoloHead([8, 8, 16, 16], classCount: 2, stride: 8);
        var truth = YoloOutputs.Images(
            [new GroundTruthBox(2, 3, 12, 11, 0), new GroundTruthBox(14, 16, 30, 31, 1)],
            [new GroundTruthBox(20, 1, 27, 9, 1)]);
        var output = new Tensor(2, head.Channels, 4, 4);
        var gradient = new Tensor(output.Shape);
        var loss = new YoloLoss(head);
        double first = loss.Compute(output, truth, gradient), last = first;
        for (int step = 0; step < 300; step++)
        {
            last = loss.Compute(output, truth, gradient);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradient.Span, -0.5f, output.Span, output.Span);
        }
        Assert.IsTrue(last < first / 10, $"loss {first} → {last}");

        var detections = YoloDecoder.Decode(head, output);
        var images = truth.Select((g, n) => new DetectionImage(g, detections[n])).ToArray();
        var metrics = VocEvaluation.Evaluate(images, classCount: 2, iouThreshold: 0.5);
        Assert.AreEqual(1.0, metrics.MeanAveragePrecision, 1e-12);
        foreach (var (image, n) in images.Select((image, n) => (image, n)))
            Assert.IsTrue(image.Detections.Take(image.GroundTruth.Count).All(d => d.Score > 0.5f), $"image {n}");
    }
}
