using MLNet.Cnn.Data;
using MLNet.Cnn.Detection;
using MLNet.Cnn.Layers;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Training;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class DetectionEvaluationTests
{
    /// <summary>
    /// A perfect detector of the bright squares of <see cref="DetectionTrainingTests.Squares"/>: finds the tight box of the
    /// pixels above ½ and writes the head output that decodes to it (objectness +20 in its cell, −20 elsewhere).
    /// </summary>
    private sealed class SquareOracle(YoloHead head) : Layer("oracle")
    {
        public override TensorShape OutputShape(TensorShape input) =>
            new(input[0], head.Channels, (int)(input[2] / head.Stride), (int)(input[3] / head.Stride));

        public override Tensor Forward(Tensor input, bool training)
        {
            var output = new Tensor(OutputShape(input.Shape));
            int height = input.Shape[2], width = input.Shape[3], rows = output.Shape[2], columns = output.Shape[3];
            for (int n = 0; n < input.Shape[0]; n++)
            {
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < columns; j++) output[n, YoloHead.Objectness, i, j] = -20;
                var (x0, y0, x1, y1) = (width, height, 0, 0);
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                        if (input[n, 0, y, x] > 0.5f) (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x + 1), Math.Max(y1, y + 1));
                if (x1 == 0) continue;
                double cx = (x0 + x1) / 2.0 / head.Stride, cy = (y0 + y1) / 2.0 / head.Stride;
                int cj = (int)cx, ci = (int)cy;
                output[n, YoloHead.Tx, ci, cj] = Logit(cx - cj);
                output[n, YoloHead.Ty, ci, cj] = Logit(cy - ci);
                output[n, YoloHead.Tw, ci, cj] = (float)Math.Log((x1 - x0) / head.AnchorWidth(0));
                output[n, YoloHead.Th, ci, cj] = (float)Math.Log((y1 - y0) / head.AnchorHeight(0));
                output[n, YoloHead.Objectness, ci, cj] = 20;
            }
            return output;
        }

        private static float Logit(double p) => (float)Math.Log(Math.Max(p, 1e-6) / (1 - Math.Max(p, 1e-6)));

        public override Tensor Backward(Tensor gradOutput) => throw new NotSupportedException();
    }

    [TestMethod]
    public void A_perfect_detector_has_COCO_and_VOC_mAP_one()
    {
        var head = DetectionTrainingTests.Head;
        var data = DetectionTrainingTests.Squares(10, seed: 6);
        var evaluation = DetectionEvaluation.Of(new SquareOracle(head), head, data, batchSize: 3);
        Assert.AreEqual(10, evaluation.Images.Count);
        Assert.IsTrue(evaluation.Images.All(image => image.GroundTruth.Count == 1 && image.Detections.Count == 1));
        var expected = new Tensor(10, 2, 5);
        data.Gather(Enumerable.Range(0, 10).ToArray(), new Tensor(10, 1, 16, 16), expected);
        for (int n = 0; n < 10; n++)
            CollectionAssert.AreEqual(DetectionTargets.Read(expected.Span.Slice(n * 10, 10)), evaluation.Images[n].GroundTruth.ToArray(), $"image {n}");
        Assert.AreEqual(1.0, evaluation.Coco.AveragePrecision, 1e-12);
        Assert.AreEqual(1.0, evaluation.Voc.MeanAveragePrecision, 1e-12);
    }

    [TestMethod]
    public void A_detector_that_finds_nothing_has_mAP_zero_and_wrong_sources_are_refused()
    {
        var head = DetectionTrainingTests.Head;
        var blind = new Sequential("blind", new Conv2dLayer("conv", 1, head.Channels, 4, stride: 4));   // zero weights: σ(0)·1 = ½ everywhere
        foreach (var p in blind.AllParameters()) p.Value.Clear();
        var evaluation = DetectionEvaluation.Of(blind, head, DetectionTrainingTests.Squares(4, seed: 6), new YoloDecodeOptions(ScoreThreshold: 0.9f));
        Assert.IsTrue(evaluation.Images.All(image => image.Detections.Count == 0));
        Assert.AreEqual(0.0, evaluation.Voc.MeanAveragePrecision);
        Assert.AreEqual(0.0, evaluation.Coco.AveragePrecision);

        var segmentation = SegmentationTrainingTests.Thresholded(2, 1);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DetectionEvaluation.Of(blind, head, segmentation)).Message,
            "Detection metrics need boxes");
        var twoClasses = new YoloHead([5, 5], classCount: 2, stride: 4);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DetectionEvaluation.Of(blind, twoClasses, DetectionTrainingTests.Squares(2, 1))).Message,
            "The head scores 2 classes; the source has 1");
    }
}
