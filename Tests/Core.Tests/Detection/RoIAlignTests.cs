using MLNet.Cnn.Detection;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Detection;

[TestClass]
public sealed class RoIAlignTests
{
    // torchvision_reference.py: a [2, 3, 7, 8] map x[i] = sin(0.37 i + 0.1), output 3×2 at scale 0.5, upstream gradient
    // sin(0.23 i + 0.7); RoIs inside, past the top-left, past the bottom-right, smaller than a cell, mostly outside.
    private const int Batch = 2, Channels = 3, Height = 7, Width = 8;
    private static readonly double[] Rois = [0, 1, 1.5, 9, 11, 1, -3, -2, 5, 6, 1, 10, 8, 18, 15.5, 0, 4, 4, 4.6, 4.3, 1, 2, 3, 30, 20];
    private static readonly double[] Input = Ramp(Batch * Channels * Height * Width, 0.37, 0.1);
    private static readonly double[] GradOutput = Ramp(5 * Channels * 3 * 2, 0.23, 0.7);

    [TestMethod]
    [DataRow(false, -1), DataRow(false, 0), DataRow(false, 2), DataRow(true, -1), DataRow(true, 0), DataRow(true, 2)]
    public void Reference_and_fast_match_torchvision_forward_and_gradient(bool aligned, int samplingRatio)
    {
        var (expected, expectedGradient) = (aligned, samplingRatio) switch
        {
            (false, -1) => (TorchvisionValues.RoIAlignRatioMinus1, TorchvisionValues.RoIAlignRatioMinus1Gradient),
            (false, 0) => (TorchvisionValues.RoIAlignRatio0, TorchvisionValues.RoIAlignRatio0Gradient),
            (false, _) => (TorchvisionValues.RoIAlignRatio2, TorchvisionValues.RoIAlignRatio2Gradient),
            (true, -1) => (TorchvisionValues.RoIAlignAlignedRatioMinus1, TorchvisionValues.RoIAlignAlignedRatioMinus1Gradient),
            (true, 0) => (TorchvisionValues.RoIAlignAlignedRatio0, TorchvisionValues.RoIAlignAlignedRatio0Gradient),
            (true, _) => (TorchvisionValues.RoIAlignAlignedRatio2, TorchvisionValues.RoIAlignAlignedRatio2Gradient),
        };
        var options = new RoIAlignOptions(3, 2, 0.5, samplingRatio, aligned);
        var output = new double[expected.Length];
        RoIAlignReference.Forward<double>(options, Batch, Channels, Height, Width, Input, Rois, output);
        Approx.AssertClose(expected, output, 1e-14, "reference forward");
        var gradInput = new double[Input.Length];
        RoIAlignReference.Backward<double>(options, Batch, Channels, Height, Width, Rois, GradOutput, gradInput);
        Approx.AssertClose(expectedGradient, gradInput, 1e-14, "reference gradient");

        var rois = Tensor.FromArray(ToFloat(Rois), 5, 5);
        var fast = RoIAlign.Forward(Tensor.FromArray(ToFloat(Input), Batch, Channels, Height, Width), rois, options);
        Assert.AreEqual(new TensorShape(5, Channels, 3, 2), fast.Shape);
        Approx.AssertClose(expected, fast.Span, 1e-5, "fast forward");
        var fastGradient = RoIAlign.Backward(Tensor.FromArray(ToFloat(GradOutput), 5, Channels, 3, 2), rois,
            new TensorShape(Batch, Channels, Height, Width), options);
        Approx.AssertClose(expectedGradient, fastGradient.Span, 1e-5, "fast gradient");
    }

    [TestMethod]
    public void Float_kernel_agrees_with_torchvision_float32_at_a_sample_on_the_far_edge()
    {
        // RoI (10, 8, 18, 16) at scale 0.5, ratio 2: the last row of samples is at y = 7 = H, inside in double, past the
        // map after float32 rounding; the float kernel reads nothing there, as torchvision's float32 kernel does.
        var options = new RoIAlignOptions(3, 2, 0.5, 2);
        float[] roi = [1, 10, 8, 18, 16];
        var output = RoIAlign.Forward(Tensor.FromArray(ToFloat(Input), Batch, Channels, Height, Width), Tensor.FromArray(roi, 1, 5), options);
        Approx.AssertClose(TorchvisionValues.RoIAlignEdgeFloat32, output.Span, 1e-6, "float32");
        var reference = new double[18];
        RoIAlignReference.Forward<double>(options, Batch, Channels, Height, Width, Input, [1, 10, 8, 18, 16], reference);
        Approx.AssertClose(TorchvisionValues.RoIAlignEdgeFloat64, reference, 1e-14, "float64");
    }

    [TestMethod]
    public void Hand_computed_single_bin()
    {
        // a 2×2 map [[1, 2], [3, 4]], one bin over the whole RoI (0, 0, 2, 2), one sample at its center (1, 1):
        // not aligned → cell (1, 1) = 4 (the last row and column are clamped); aligned → the point (0.5, 0.5) = 2.5
        double[] map = [1, 2, 3, 4];
        var output = new double[1];
        RoIAlignReference.Forward<double>(new(1, 1, SamplingRatio: 1), 1, 1, 2, 2, map, [0, 0, 0, 2, 2], output);
        Assert.AreEqual(4.0, output[0]);
        RoIAlignReference.Forward<double>(new(1, 1, SamplingRatio: 1, Aligned: true), 1, 1, 2, 2, map, [0, 0, 0, 2, 2], output);
        Assert.AreEqual(2.5, output[0]);
        // a zero-size aligned RoI has no samples and gives 0; not aligned, its size is raised to one cell
        RoIAlignReference.Forward<double>(new(1, 1, Aligned: true), 1, 1, 2, 2, map, [0, 1, 1, 1, 1], output);
        Assert.AreEqual(0.0, output[0]);
        RoIAlignReference.Forward<double>(new(1, 1), 1, 1, 2, 2, map, [0, 0, 0, 0, 0], output); // one sample at (0.5, 0.5)
        Assert.AreEqual(2.5, output[0]);
        // a sample more than one cell outside the map reads nothing
        RoIAlignReference.Forward<double>(new(1, 1, SamplingRatio: 1), 1, 1, 2, 2, map, [0, 5, 5, 7, 7], output);
        Assert.AreEqual(0.0, output[0]);
    }

    [TestMethod]
    public void Reference_backward_matches_finite_differences()
    {
        foreach (bool aligned in new[] { false, true })
        {
            var options = new RoIAlignOptions(3, 2, 0.5, -1, aligned);
            GradientCheck.AssertMatchesFiniteDifferences($"RoIAlign aligned={aligned}", (double[])Input.Clone(),
                x =>
                {
                    var y = new double[GradOutput.Length];
                    RoIAlignReference.Forward<double>(options, Batch, Channels, Height, Width, x, Rois, y);
                    return y;
                },
                g =>
                {
                    var d = new double[Input.Length];
                    RoIAlignReference.Backward<double>(options, Batch, Channels, Height, Width, Rois, g, d);
                    return d;
                });
        }
    }

    [TestMethod]
    public void Fast_matches_reference_on_a_larger_random_case_split_over_threads()
    {
        var random = new Random(3);
        int batch = 2, channels = 5, height = 13, width = 11, count = 17;
        var input = Enumerable.Range(0, batch * channels * height * width).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var boxesPerImage = new float[batch][];
        for (int image = 0; image < batch; image++)
            boxesPerImage[image] = Enumerable.Range(0, count - image * 8).SelectMany(_ =>
            {
                float x = random.NextSingle() * 50 - 5, y = random.NextSingle() * 60 - 5;
                return new[] { x, y, x + random.NextSingle() * 30, y + random.NextSingle() * 30 };
            }).ToArray();
        var rois = RoIAlign.RoisFromImages(boxesPerImage);
        Assert.AreEqual(new TensorShape(2 * count - 8, 5), rois.Shape);
        Assert.AreEqual(1f, rois.Span[5 * count]); // the first RoI of image 1
        var options = new RoIAlignOptions(4, 3, 0.25, 0, Aligned: true);

        var expected = new float[rois.Shape[0] * channels * 12];
        RoIAlignReference.Forward<float>(options, batch, channels, height, width, input, rois.Span, expected);
        var output = RoIAlign.Forward(Tensor.FromArray(input, batch, channels, height, width), rois, options);
        Approx.AssertClose(expected, output.Span, 1e-5, "forward");

        var gradOutput = Enumerable.Range(0, expected.Length).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var expectedGradient = new float[input.Length];
        RoIAlignReference.Backward<float>(options, batch, channels, height, width, rois.Span, gradOutput, expectedGradient);
        var gradInput = RoIAlign.Backward(Tensor.FromArray(gradOutput, rois.Shape[0], channels, 4, 3), rois,
            new TensorShape(batch, channels, height, width), options);
        Approx.AssertClose(expectedGradient, gradInput.Span, 1e-5, "gradient");
    }

    [TestMethod]
    public void Bad_rois_and_shapes_are_refused()
    {
        var input = new Tensor(2, 1, 4, 4);
        var options = new RoIAlignOptions(2, 2);
        ArgumentAssert.Throws(() => RoIAlign.Forward(input, Tensor.FromArray([0, 3, 0, 1, 1], 1, 5), options), "rois", "RoI 0", "x1 ≤ x2");
        ArgumentAssert.Throws(() => RoIAlign.Forward(input, Tensor.FromArray([2, 0, 0, 1, 1], 1, 5), options), "rois", "batch index 2");
        ArgumentAssert.Throws(() => RoIAlign.Forward(input, Tensor.FromArray([0.5f, 0, 0, 1, 1], 1, 5), options), "rois", "0.5");
        ArgumentAssert.Throws(() => RoIAlign.Forward(input, new Tensor(1, 4), options), "rois", "[K, 5]");
        ArgumentAssert.Throws(() => RoIAlign.Forward(input, new Tensor(1, 5), new RoIAlignOptions(0, 2)), "options", "0×2");
        ArgumentAssert.Throws(() => RoIAlign.Backward(new Tensor(1, 1, 3, 2), new Tensor(1, 5), new TensorShape(2, 1, 4, 4), options),
            "gradOutput", "[1, 1, 2, 2]");
        ArgumentAssert.Throws(() => RoIAlign.RoisFromImages([[0, 0, 1]]), "boxesPerImage[0]", "multiple of 4");
        ArgumentAssert.Throws(() => RoIAlign.RoisFromImages([[], []]), "boxesPerImage", "no box");
        var output = new double[8];
        ArgumentAssert.Throws(() => RoIAlignReference.Forward<double>(options, 2, 1, 4, 4, new double[32], [0, 0, 0, 1, 1], output),
            "output", "length 8", "[1, 1, 2, 2] = 4");
    }

    private static double[] Ramp(int length, double a, double b) => Enumerable.Range(0, length).Select(i => Math.Sin(a * i + b)).ToArray();

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();
}
