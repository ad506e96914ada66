using MLNet.Cnn.Detection;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection.Yolo;

[TestClass]
public sealed class YoloDecoderTests
{
    private static readonly YoloHead Head = new([10, 20, 40, 40], classCount: 2, stride: 8);

    [TestMethod]
    public void Layout_is_anchor_major_with_box_objectness_then_classes()
    {
        Assert.AreEqual(7, Head.ChannelsPerAnchor);
        Assert.AreEqual(14, Head.Channels);
        var grid = new YoloGrid(2, 3, 4);
        // image 1, anchor 1, class 1 (field 6) at (2, 3): channel 1·7 + 6 = 13
        Assert.AreEqual(((1 * 14 + 13) * 3 + 2) * 4 + 3, Head.Index(grid, 1, 1, YoloHead.FirstClass + 1, 2, 3));
        ArgumentAssert.Throws(() => Head.GridOf(new MLNet.Cnn.Tensors.Tensor(1, 13, 2, 2)), "output", "[N, 14, H, W]");
    }

    [TestMethod]
    public void Decodes_a_hand_computed_head_output()
    {
        // anchor 0 at cell (0, 1): tx = ty = 0 → centre ((1 + ½)·8, (0 + ½)·8) = (12, 4); tw = ln 2 → w = 20, th = 0 → h = 20
        // objectness σ(ln 3) = 3/4, class logits (0, ln 3) → softmax (1/4, 3/4): scores 3/16 (class 0) and 9/16 (class 1)
        var output = YoloOutputs.Zeros(Head, 1, 1, 2);
        for (int a = 0; a < 2; a++)
            for (int j = 0; j < 2; j++) output.Set(Head, 0, a, YoloHead.Objectness, 0, j, -10);
        output.Set(Head, 0, 0, YoloHead.Tw, 0, 1, MathF.Log(2));
        output.Set(Head, 0, 0, YoloHead.Objectness, 0, 1, MathF.Log(3));
        output.Set(Head, 0, 0, YoloHead.FirstClass + 1, 0, 1, MathF.Log(3));

        var detections = YoloDecoder.Decode(Head, output)[0];

        Assert.AreEqual(2, detections.Count);
        AssertDetection(new DetectedBox(2, -6, 22, 14, 1, 9f / 16), detections[0]);
        AssertDetection(new DetectedBox(2, -6, 22, 14, 0, 3f / 16), detections[1]);
        Assert.AreEqual(0, YoloDecoder.Decode(Head, output, new YoloDecodeOptions(ScoreThreshold: 0.6f))[0].Count);
        Assert.AreEqual(1, YoloDecoder.Decode(Head, output, new YoloDecodeOptions(MaxDetections: 1))[0].Count);
        ArgumentAssert.Throws(() => YoloDecoder.Decode(Head, output, new YoloDecodeOptions(ScoreThreshold: float.NaN)), "options", "NaN");
        ArgumentAssert.Throws(() => YoloDecoder.Decode(Head, output, new YoloDecodeOptions(MaxDetections: -1)), "options", "-1");
    }

    [TestMethod]
    public void Per_class_nms_drops_the_weaker_overlapping_box_of_a_class()
    {
        // both anchors of cell (0, 0) predict class 0 at the same centre: 10×20 and 40×40 boxes overlap with IoU 1/8;
        // with tw = ln 4, th = ln 2 the first becomes 40×40 too and the weaker one is suppressed
        var output = YoloOutputs.Zeros(Head, 1, 1, 1);
        output.Set(Head, 0, 0, YoloHead.FirstClass, 0, 0, 5);
        output.Set(Head, 0, 1, YoloHead.FirstClass, 0, 0, 5);
        output.Set(Head, 0, 1, YoloHead.Objectness, 0, 0, 1);
        Assert.AreEqual(4, YoloDecoder.Decode(Head, output, new YoloDecodeOptions(ScoreThreshold: 0))[0].Count);

        output.Set(Head, 0, 0, YoloHead.Tw, 0, 0, MathF.Log(4));
        output.Set(Head, 0, 0, YoloHead.Th, 0, 0, MathF.Log(2));
        var detections = YoloDecoder.Decode(Head, output, new YoloDecodeOptions(ScoreThreshold: 0.01f))[0];
        Assert.AreEqual(1, detections.Count);
        Assert.AreEqual(0, detections[0].ClassId);
        Assert.AreEqual(1 / (1 + MathF.Exp(-1)) * (1 / (1 + MathF.Exp(-5))), detections[0].Score, 1e-6f);
    }

    [TestMethod]
    public void Size_exponent_is_clamped_so_decoding_stays_finite()
    {
        var box = new double[4];
        Head.DecodeBox(0.0, 0.0, 1000.0, 0.0, a: 0, i: 0, j: 0, box);
        Assert.AreEqual(10 * 1000.0 / 16, box[2] - box[0], 1e-9);
    }

    private static void AssertDetection(DetectedBox expected, DetectedBox actual)
    {
        Assert.AreEqual(expected.ClassId, actual.ClassId);
        Assert.AreEqual(expected.Score, actual.Score, 1e-6f);
        float[] e = [expected.X0, expected.Y0, expected.X1, expected.Y1], a = [actual.X0, actual.Y0, actual.X1, actual.Y1];
        for (int k = 0; k < 4; k++) Assert.AreEqual(e[k], a[k], 1e-5f, $"corner {k}");
    }
}
