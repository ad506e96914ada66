using MLNet.Cnn.Kernels;
using MLNet.Cnn.Tensors;
using MLNet.Cnn.Tests.Support;

namespace MLNet.Cnn.Tests.Kernels;

[TestClass]
public sealed unsafe class PoolingTests
{
    /// <summary>Batch 1 and more, odd sizes, stride &gt; 1, unequal strides, asymmetric padding, dilation, ceil mode on and off.</summary>
    private static readonly Pool2dGeometry[] Geometries =
    [
        new(1, 1, 5, 5, 2, 2, 2, 2),
        new(1, 1, 5, 5, 2, 2, 2, 2, ceilMode: true),
        new(1, 2, 3, 3, 2, 2, 2, 2, Padding2d.Symmetric(1), ceilMode: true),
        new(2, 3, 7, 9, 3, 3, 2, 2, Padding2d.Symmetric(1)),
        new(2, 3, 7, 9, 3, 3, 2, 2, Padding2d.Symmetric(1), ceilMode: true),
        new(3, 2, 8, 11, 3, 2, 2, 3, new Padding2d(1, 0, 0, 1), ceilMode: true),
        new(2, 2, 9, 10, 3, 3, 3, 3, new Padding2d(1, 1, 0, 1), ceilMode: true),
        new(1, 4, 6, 13, 4, 3, 3, 2, new Padding2d(2, 1, 1, 0)),
        new(2, 3, 4, 4, 1, 1, 1, 1),
        new(2, 2, 10, 9, 3, 3, 1, 2, new Padding2d(0, 1, 1, 1), dilationH: 2, dilationW: 3),
        new(1, 4, 6, 13, 4, 3, 3, 2, new Padding2d(2, 1, 1, 0), dilationW: 2, ceilMode: true),
        new(2, 3, 12, 40, 3, 3, 2, 2, Padding2d.Symmetric(1), ceilMode: true), // output rows wide enough for vectors
        new(1, 2, 9, 50, 2, 3, 2, 3, new Padding2d(1, 1, 0, 1), dilationW: 2),
        new(3, 5, 33, 35, 3, 3, 1, 1, Padding2d.Symmetric(1)), // large enough to be split over threads
        new(2, 3, 7, 9, 3, 3, 2, 2, new Padding2d(2, 1, 2, 2)), // padding beyond half the kernel (ONNX allows it)
        new(1, 2, 5, 6, 3, 2, 1, 1, new Padding2d(2, 1, 1, 1), ceilMode: true),
        new(1, 2, 9, 8, 3, 3, 2, 1, new Padding2d(4, 0, 3, 2), dilationH: 2, dilationW: 2),
        // 2×2, stride 2 (MaxPoolTwoByTwo): output rows of 14 (a vector of 8 and an overlapping one), 16 from an odd width
        // (two vectors; the last column and row are in no window), 7 (two overlapping vectors of 4), and planes split
        // over threads.
        new(2, 3, 28, 28, 2, 2, 2, 2),
        new(1, 2, 15, 33, 2, 2, 2, 2),
        new(3, 4, 14, 14, 2, 2, 2, 2),
        new(2, 8, 64, 64, 2, 2, 2, 2),
        new(1, 3, 11, 7, 2, 2, 2, 2), // output rows of 3: one window at a time
    ];

    private static IEnumerable<Pool2dGeometry> AverageGeometries => Geometries.Where(g => g.DilationH == 1 && g.DilationW == 1);

    // ---- geometry ----

    [TestMethod]
    public void OutputSizeFollowsPyTorchIncludingTheCeilModeRule()
    {
        // (H, kernel, stride, padTop, padBottom, dilation, ceil) → Hout, from PyTorch's pooling_output_shape.
        var cases = new (int H, int K, int S, int PadTop, int PadBottom, int D, bool Ceil, int Expected)[]
        {
            (5, 2, 2, 0, 0, 1, false, 2),
            (5, 2, 2, 0, 0, 1, true, 3),      // the last window hangs past the edge
            (3, 2, 2, 1, 1, 1, false, 2),
            (3, 2, 2, 1, 1, 1, true, 2),      // ceil gives 3, but window 3 would start in the bottom padding
            (4, 3, 2, 1, 1, 1, true, 3),
            (4, 3, 2, 1, 1, 1, false, 2),
            (5, 3, 2, 1, 0, 1, true, 3),      // asymmetric padding
            (5, 3, 2, 1, 0, 1, false, 2),
            (10, 3, 1, 0, 0, 2, false, 6),    // dilation 2: extent 5
            (112, 3, 2, 1, 1, 1, false, 56),  // ResNet stem max pool
            (112, 3, 2, 0, 0, 1, true, 56),   // GoogLeNet maxpool1 (ceil mode)
            (112, 3, 2, 0, 0, 1, false, 55),
            (56, 3, 2, 0, 0, 1, true, 28),    // GoogLeNet maxpool2
        };
        foreach (var c in cases)
        {
            var g = new Pool2dGeometry(1, 1, c.H, 7, c.K, 1, c.S, 1, new Padding2d(c.PadTop, 0, c.PadBottom, 0), c.D, 1, c.Ceil);
            Assert.AreEqual(c.Expected, g.OutHeight, $"{c}");
            Assert.AreEqual(7, g.OutWidth, $"{c}: width");
        }
    }

    [TestMethod]
    public void GeometryRejectsBadArgumentsNamingTheParameterAndValues()
    {
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 0, 2, 1, 1), "kernelHeight", "0");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 2, 2, 1, -1), "strideW", "-1");
        ArgumentAssert.Throws(() => new Pool2dGeometry(0, 1, 5, 5, 2, 2, 1, 1), "batch", "0");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 2, 2, 1, 1, dilationH: 0), "dilationH", "0");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 3, 3, 1, 1, new Padding2d(0, 3, 0, 0)), "padding.Left", "3", "(3)");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 3, 3, 1, 1, new Padding2d(0, 0, 0, -1)), "padding.Right", "-1");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 5, 5, 4, 4, 1, 1, new Padding2d(0, 0, 7, 0), dilationH: 2), "padding.Bottom", "7", "(7)");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 3, 8, 5, 2, 1, 1, new Padding2d(0, 0, 1, 0)), "kernelHeight", "(5)", "(4 = 3 + 0 + 1)");
        ArgumentAssert.Throws(() => new Pool2dGeometry(1, 1, 8, 4, 3, 3, 1, 1, dilationW: 2), "kernelWidth", "(5)", "(4 = 4 + 0 + 0)");
        ArgumentAssert.Throws(() => Pool2dGeometry.ForInput(new TensorShape(2, 3, 4), 2, 2, 2, 2), "input", "[2, 3, 4]");
    }

    [TestMethod]
    public void WindowExtentInFloorModeIsTheConvolutionFormula()
    {
        // ⌊(H + padLow + padHigh − d·(k − 1) − 1) / s⌋ + 1, shared with convolution geometry.
        foreach (var (h, padLow, padHigh, k, s, d) in new[] { (224, 3, 3, 7, 2, 1), (7, 0, 0, 7, 1, 1), (10, 1, 0, 3, 3, 2), (5, 2, 2, 1, 4, 1) })
            Assert.AreEqual((h + padLow + padHigh - d * (k - 1) - 1) / s + 1,
                WindowExtent.OutputSize(h, padLow, padHigh, k, s, d, "kernelHeight", "height"), $"{(h, padLow, padHigh, k, s, d)}");
        ArgumentAssert.Throws(() => WindowExtent.OutputSize(4, 0, 1, 3, 1, 3, "kernelWidth", "width"), "kernelWidth",
            "kernel width (7)", "(5 = 4 + 0 + 1)");
    }

    [TestMethod]
    public void KernelsRejectTensorsOfTheWrongShape()
    {
        var g = new Pool2dGeometry(2, 3, 7, 9, 3, 3, 2, 2, Padding2d.Symmetric(1));
        var input = new Tensor(2, 3, 7, 9);
        var output = new Tensor(2, 3, 4, 5);
        ArgumentAssert.Throws(() => MaxPool2d.Forward(g, new Tensor(2, 3, 9, 7), output, new int[output.Length]), "input", "[2, 3, 9, 7]", "[2, 3, 7, 9]");
        ArgumentAssert.Throws(() => MaxPool2d.Forward(g, input, new Tensor(2, 3, 4, 4), new int[output.Length]), "output", "[2, 3, 4, 4]", "[2, 3, 4, 5]");
        ArgumentAssert.Throws(() => MaxPool2d.Forward(g, input, output, new int[7]), "argmax", "7", "120");
        ArgumentAssert.Throws(() => MaxPool2d.Backward(g, output, new int[output.Length], new Tensor(1, 3, 7, 9)), "gradInput", "[1, 3, 7, 9]");
        ArgumentAssert.Throws(() => AvgPool2d.Forward(g, input, new Tensor(2, 3, 5, 5)), "output", "[2, 3, 5, 5]", "[2, 3, 4, 5]");
        ArgumentAssert.Throws(() => AvgPool2d.Backward(g, new Tensor(2, 3, 4, 6), input), "gradOutput", "[2, 3, 4, 6]");
        var dilated = new Pool2dGeometry(2, 3, 7, 9, 3, 3, 2, 2, dilationH: 2);
        ArgumentAssert.Throws(() => AvgPool2d.Forward(dilated, input, new Tensor(dilated.OutputShape)), "geometry", "2×1", "1×1");
    }

    // ---- max pooling ----

    [TestMethod]
    public void MaxPoolHandComputed()
    {
        // 4×4 plane holding 0 … 15, 2×2 windows, stride 2.
        var g = new Pool2dGeometry(1, 1, 4, 4, 2, 2, 2, 2);
        var (output, argmax) = MaxForward(g, Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4));
        CollectionAssert.AreEqual(new[] { 5f, 7f, 13f, 15f }, output.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 7, 13, 15 }, argmax);

        // 5×5 plane holding 0 … 24 in ceil mode: the last row and column of windows hang past the edge.
        g = new Pool2dGeometry(1, 1, 5, 5, 2, 2, 2, 2, ceilMode: true);
        (output, argmax) = MaxForward(g, Tensor.FromArray(Enumerable.Range(0, 25).Select(i => (float)i).ToArray(), 1, 1, 5, 5));
        CollectionAssert.AreEqual(new[] { 6f, 8f, 9f, 16f, 18f, 19f, 21f, 23f, 24f }, output.ToArray());

        // 3×3 plane holding 1 … 9, padding 1, ceil mode: 2×2 windows over rows/columns {−1, 0} and {1, 2}; the third
        // window would start in the padding and is dropped. Padding is −∞, so negative inputs still win.
        g = new Pool2dGeometry(1, 1, 3, 3, 2, 2, 2, 2, Padding2d.Symmetric(1), ceilMode: true);
        (output, argmax) = MaxForward(g, Tensor.FromArray([-1, -2, -3, -4, -5, -6, -7, -8, -9], 1, 1, 3, 3));
        CollectionAssert.AreEqual(new[] { -1f, -2f, -4f, -5f }, output.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 3, 4 }, argmax);

        var gradInput = new Tensor(1, 1, 3, 3);
        MaxPool2d.Backward(g, Tensor.FromArray([1, 2, 3, 4], 1, 1, 2, 2), argmax, gradInput);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 0f, 3f, 4f, 0f, 0f, 0f, 0f }, gradInput.ToArray());
    }

    [TestMethod]
    public void MaxPoolTiesGoToTheFirstCellAndOverlappingWindowsAccumulate()
    {
        // 3×3 windows, stride 2, over a constant 3×41 plane: every window picks its first cell (on the vector path too).
        var wide = new Pool2dGeometry(1, 1, 3, 41, 3, 3, 1, 2);
        var constant = new Tensor(1, 1, 3, 41);
        constant.Span.Fill(2f);
        var (_, firsts) = MaxForward(wide, constant);
        CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(ow => 2 * ow).ToArray(), firsts);

        var g = new Pool2dGeometry(1, 1, 4, 4, 3, 3, 1, 1);
        var input = new Tensor(1, 1, 4, 4);
        // One large cell wins all four overlapping windows and collects their four gradients.
        input[0, 0, 1, 2] = 7f;
        var (_, argmax) = MaxForward(g, input);
        var gradInput = new Tensor(1, 1, 4, 4);
        MaxPool2d.Backward(g, Tensor.FromArray([1, 2, 3, 4], 1, 1, 2, 2), argmax, gradInput);
        Assert.AreEqual(10f, gradInput[0, 0, 1, 2]);
        Assert.AreEqual(10f, gradInput.Span.ToArray().Sum());
    }

    [TestMethod]
    public void MaxPoolNaNPropagatesWithTheFirstNaNsIndexAndSignedZerosTie()
    {
        // One 2×2 window per case, taps in row-major order. A NaN wins over any number before or after it; of two
        // NaNs the first wins; +0 and −0 are equal, so the first of them wins (as any tie).
        var g = new Pool2dGeometry(1, 1, 2, 2, 2, 2, 1, 1);
        var cases = new (float[] Window, float Max, int Argmax)[]
        {
            ([1f, float.NaN, 5f, 2f], float.NaN, 1),
            ([float.NaN, 9f, float.PositiveInfinity, 2f], float.NaN, 0),
            ([3f, 4f, float.NaN, float.NaN], float.NaN, 2),
            ([float.NegativeInfinity, float.NegativeInfinity, float.NaN, 1f], float.NaN, 2),
            ([-0f, 0f, -1f, -2f], -0f, 0),
            ([0f, -0f, -1f, -2f], 0f, 0),
            ([-1f, -0f, -2f, 0f], -0f, 1),
        };
        foreach (var (window, max, index) in cases)
            AssertMaxOfOneWindow(string.Join(", ", window), max, index, Tensor.FromArray(window, 1, 1, 2, 2),
                (x, y, argmax) => MaxPool2d.Forward(g, x, y, argmax), (x, y, argmax) => MaxPool2dReference.Forward<double>(g, x, y, argmax));
    }

    [TestMethod]
    public void MaxPoolFastMatchesReferenceWithNaNsAndSignedZeros()
    {
        int seed = 150;
        foreach (var g in Geometries)
        {
            var check = new KernelCheck("MaxPool2d", g, seed += 2);
            var x = check.From("x", WithNaNsAndZeros(TestData.Tensor(seed, g.InputShape), seed + 1));
            var y = check.Output("y", g.OutputShape);
            var (argmax, expectedArgmax) = (UnwrittenArgmax(y.D.Length), new int[y.D.Length]);
            check.FastMatchesReferenceBitwise(() => MaxPool2d.Forward(g, x.F, y.F, argmax),
                () => MaxPool2dReference.Forward<double>(g, x.D, y.D, expectedArgmax), y);
            CollectionAssert.AreEqual(expectedArgmax, argmax, $"argmax {g}");
            check.FastMatchesReferenceBitwise(() => MaxPool2d.ForwardValues(g, x.F, y.F),
                () => MaxPool2dReference.Forward<double>(g, x.D, y.D, expectedArgmax), y);
        }
    }

    [TestMethod]
    public void BackwardRejectsArgmaxOutsideTheInputPlane()
    {
        // 2×3 planes of 4×4 = 16 cells; 2×2 windows, stride 2: 4 outputs per plane, 24 in all.
        var g = new Pool2dGeometry(2, 3, 4, 4, 2, 2, 2, 2);
        var gradOutput = new Tensor(g.OutputShape);
        var gradInput = new Tensor(g.InputShape);
        foreach (var (at, bad) in new[] { (0, 16), (23, -2), (9, int.MaxValue), (5, int.MinValue) })
        {
            var argmax = new int[g.OutputShape.Length];
            argmax[at] = bad;
            ArgumentAssert.Throws(() => MaxPool2d.Backward(g, gradOutput, argmax, gradInput),
                "argmax", $"argmax[{at}] = {bad}", "16");
        }
        var valid = Enumerable.Repeat(-1, 24).ToArray();
        valid[7] = 15;
        MaxPool2d.Backward(g, gradOutput, valid, gradInput); // −1 and the last cell are fine

        var gradOutputGlobal = new Tensor(2, 3, 1, 1);
        foreach (var (at, bad) in new[] { (0, 16), (5, -3), (3, int.MinValue) })
        {
            var argmax = new int[6];
            argmax[at] = bad;
            ArgumentAssert.Throws(() => GlobalMaxPool.Backward(gradOutputGlobal, argmax, gradInput),
                "argmax", $"argmax[{at}] = {bad}", "16");
        }
    }

    [TestMethod]
    public void MaxPoolWindowOfOnlyPaddingIsMinusInfinityAndGetsNoGradient()
    {
        // Dilation 4 over a 3×3 input with padding 1: the single window taps rows/columns −1 and 3, all padding.
        var g = new Pool2dGeometry(1, 1, 3, 3, 2, 2, 1, 1, Padding2d.Symmetric(1), dilationH: 4, dilationW: 4);
        var input = TestData.Tensor(1, 1, 1, 3, 3);
        var (output, argmax) = MaxForward(g, input);
        Assert.AreEqual(float.NegativeInfinity, output.Span[0]);
        Assert.AreEqual(-1, argmax[0]);
        var expected = new double[1];
        var expectedArgmax = new int[1];
        MaxPool2dReference.Forward<double>(g, TestData.ToDouble(input.Span), expected, expectedArgmax);
        Assert.AreEqual(double.NegativeInfinity, expected[0]);
        Assert.AreEqual(-1, expectedArgmax[0]);
        var gradInput = TestData.Tensor(2, 1, 1, 3, 3);
        MaxPool2d.Backward(g, Tensor.FromArray([5f], 1, 1, 1, 1), argmax, gradInput);
        Assert.IsTrue(gradInput.Span.ToArray().All(v => v == 0f));
    }

    [TestMethod]
    public void MaxPoolFastMatchesReferenceForwardAndBackward()
    {
        int seed = 100;
        foreach (var g in Geometries)
        {
            var check = new KernelCheck("MaxPool2d", g, seed += 2);
            var (x, dy) = (check.Random("x", g.InputShape), check.Random("dy", g.OutputShape));
            var (y, dx) = (check.Output("y", g.OutputShape), check.Output("dx", g.InputShape));
            var (argmax, expectedArgmax) = (UnwrittenArgmax(y.D.Length), new int[y.D.Length]);
            check.FastMatchesReference(() => MaxPool2d.Forward(g, x.F, y.F, argmax),
                () => MaxPool2dReference.Forward<double>(g, x.D, y.D, expectedArgmax), (y, 0));
            CollectionAssert.AreEqual(expectedArgmax, argmax, $"argmax {g}");
            // Each side's backward routes dy through its own forward's argmax.
            check.FastMatchesReference(() => MaxPool2d.Backward(g, dy.F, argmax, dx.F),
                () => MaxPool2dReference.Backward<double>(g, dy.D, expectedArgmax, dx.D), (dx, 1e-6));
        }
    }

    [TestMethod]
    public void MaxPoolReferenceBackwardMatchesFiniteDifferences()
    {
        int seed = 200;
        foreach (var g in Geometries.Where(g => g.InputShape.Length < 2000))
        {
            var check = new KernelCheck("MaxPool2dReference", g, ++seed);
            // Distinct, well separated values: no window has a near tie that a finite step could flip.
            check.ReferenceMatchesFiniteDifferences(g.OutputShape.Length, [check.From("x", DistinctValues(seed, g.InputShape.Length))],
                (v, y) => MaxPool2dReference.Forward<double>(g, v[0], y, new int[y.Length]),
                (v, dy, d) =>
                {
                    var argmax = new int[dy.Length];
                    MaxPool2dReference.Forward<double>(g, v[0], new double[dy.Length], argmax);
                    MaxPool2dReference.Backward<double>(g, dy, argmax, d[0]);
                });
        }
    }

    // ---- average pooling ----

    [TestMethod]
    public void AvgPoolHandComputed()
    {
        var g = new Pool2dGeometry(1, 1, 4, 4, 2, 2, 2, 2);
        var output = new Tensor(g.OutputShape);
        AvgPool2d.Forward(g, Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4), output);
        CollectionAssert.AreEqual(new[] { 2.5f, 4.5f, 10.5f, 12.5f }, output.ToArray());

        // Ones, 3×3 windows, stride 2, padding 1, ceil mode: windows cover rows {−1, 0, 1}, {1, 2, 3}, {3, 4, 5}.
        // Counting padding, the divisor per axis is 3, 3, 2 (the last window stops at the padded edge, row 4),
        // so each axis contributes 2/3, 3/3, 1/2. Without padding every window averages ones: 1.
        g = new Pool2dGeometry(1, 1, 4, 4, 3, 3, 2, 2, Padding2d.Symmetric(1), ceilMode: true);
        var ones = new Tensor(1, 1, 4, 4);
        ones.Span.Fill(1f);
        output = new Tensor(g.OutputShape);
        AvgPool2d.Forward(g, ones, output, countIncludePad: true);
        double[] axis = [2.0 / 3, 1, 0.5];
        Approx.AssertClose(Outer(axis, axis), output.Span, 1e-6, "count_include_pad");
        AvgPool2d.Forward(g, ones, output, countIncludePad: false);
        Approx.AssertClose(Enumerable.Repeat(1.0, 9).ToArray(), output.Span, 1e-6, "exclude padding");

        // Backward with unit gradients: cell (h, w) collects Σ 1/divisor over its windows = r(h)·r(w), with
        // r = 1/3, 1/3 + 1/3, 1/3, 1/3 + 1/2 for rows 0 … 3.
        var gradOutput = new Tensor(g.OutputShape);
        gradOutput.Span.Fill(1f);
        var gradInput = new Tensor(1, 1, 4, 4);
        AvgPool2d.Backward(g, gradOutput, gradInput, countIncludePad: true);
        double[] share = [1.0 / 3, 2.0 / 3, 1.0 / 3, 5.0 / 6];
        Approx.AssertClose(Outer(share, share), gradInput.Span, 1e-6, "count_include_pad backward");
    }

    [TestMethod]
    public void AvgPoolFastMatchesReferenceForwardAndBackward()
    {
        int seed = 300;
        foreach (var g in AverageGeometries)
            foreach (bool includePad in new[] { true, false })
            {
                var check = new KernelCheck("AvgPool2d", $"{g} countIncludePad={includePad}", seed += 2);
                var (x, dy) = (check.Random("x", g.InputShape), check.Random("dy", g.OutputShape));
                var (y, dx) = (check.Output("y", g.OutputShape), check.Output("dx", g.InputShape));
                check.FastMatchesReference(() => AvgPool2d.Forward(g, x.F, y.F, includePad),
                    () => AvgPool2dReference.Forward<double>(g, includePad, x.D, y.D), (y, 1e-6));
                check.FastMatchesReference(() => AvgPool2d.Backward(g, dy.F, dx.F, includePad),
                    () => AvgPool2dReference.Backward<double>(g, includePad, dy.D, dx.D), (dx, 1e-6));
            }
    }

    [TestMethod]
    public void AvgPoolReferenceBackwardMatchesFiniteDifferences()
    {
        int seed = 400;
        foreach (var g in AverageGeometries.Where(g => g.InputShape.Length < 2000))
            foreach (bool includePad in new[] { true, false })
            {
                var check = new KernelCheck("AvgPool2dReference", $"{g} countIncludePad={includePad}", ++seed);
                check.ReferenceMatchesFiniteDifferences(g.OutputShape.Length, [check.Random("x", g.InputShape)],
                    (v, y) => AvgPool2dReference.Forward<double>(g, includePad, v[0], y),
                    (v, dy, d) => AvgPool2dReference.Backward<double>(g, includePad, dy, d[0]));
            }
    }

    // ---- global pooling ----

    private static readonly int[][] GlobalShapes = [[1, 1, 1, 1], [1, 2, 1, 9], [2, 3, 5, 7], [3, 4, 17, 19], [4, 16, 31, 33]];

    [TestMethod]
    public void GlobalPoolsHandComputed()
    {
        var input = Tensor.FromArray([1, 2, 3, 4, 3, 9, 9, 1], 1, 2, 2, 2);
        var output = new Tensor(1, 2, 1, 1);
        GlobalAveragePool.Forward(input, output);
        CollectionAssert.AreEqual(new[] { 2.5f, 5.5f }, output.ToArray());
        var gradInput = new Tensor(1, 2, 2, 2);
        GlobalAveragePool.Backward(Tensor.FromArray([2, -4], 1, 2, 1, 1), gradInput);
        CollectionAssert.AreEqual(new[] { 0.5f, 0.5f, 0.5f, 0.5f, -1f, -1f, -1f, -1f }, gradInput.ToArray());

        var argmax = new int[2];
        GlobalMaxPool.Forward(input, output, argmax);
        CollectionAssert.AreEqual(new[] { 4f, 9f }, output.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 1 }, argmax); // the tie 9, 9 goes to the first
        GlobalMaxPool.Backward(Tensor.FromArray([2, -4], 1, 2, 1, 1), argmax, gradInput);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 2f, 0f, -4f, 0f, 0f }, gradInput.ToArray());
    }

    [TestMethod]
    public void GlobalMaxPoolNaNPropagatesWithTheFirstNaNsIndexAndSignedZerosTie()
    {
        // Planes of 1 … 40 values (past a vector width) with the special values at chosen places; the rest are
        // −1 … −k, below every special value.
        var cases = new (int Length, (int At, float Value)[] Specials, float Max, int Argmax)[]
        {
            (2, [(0, -0f), (1, 0f)], -0f, 0),
            (2, [(0, 0f), (1, -0f)], 0f, 0),
            (37, [(3, -0f), (30, 0f)], -0f, 3),
            (37, [(3, 0f), (30, -0f)], 0f, 3),
            (40, [(5, 7f), (20, float.NaN), (33, float.NaN), (38, 9f)], float.NaN, 20),
            (40, [(0, float.NaN), (1, float.PositiveInfinity)], float.NaN, 0),
            (33, [(32, float.NaN)], float.NaN, 32),
            (1, [(0, float.NaN)], float.NaN, 0),
            (19, [(2, 5f), (17, 5f)], 5f, 2),
        };
        foreach (var (length, specials, max, index) in cases)
        {
            var values = Enumerable.Range(1, length).Select(i => -(float)i).ToArray();
            foreach (var (at, value) in specials) values[at] = value;
            var shape = new TensorShape(1, 1, 1, length);
            AssertMaxOfOneWindow($"{length} values with {string.Join(", ", specials)}", max, index, Tensor.FromArray(values, 1, 1, 1, length),
                (x, y, argmax) => GlobalMaxPool.Forward(x, y, argmax), (x, y, argmax) => GlobalMaxPoolReference.Forward<double>(shape, x, y, argmax));
        }
    }

    [TestMethod]
    public void GlobalMaxPoolFastMatchesReferenceWithNaNsAndSignedZeros()
    {
        int seed = 550;
        foreach (var dims in GlobalShapes)
        {
            var shape = new TensorShape(dims);
            var check = new KernelCheck("GlobalMaxPool", shape, seed += 2);
            var x = check.From("x", WithNaNsAndZeros(TestData.Tensor(seed, dims), seed + 1, nanRate: 0.002));
            var y = check.Output("y", dims[0], dims[1], 1, 1);
            var (argmax, expectedArgmax) = (UnwrittenArgmax(y.D.Length), new int[y.D.Length]);
            check.FastMatchesReferenceBitwise(() => GlobalMaxPool.Forward(x.F, y.F, argmax),
                () => GlobalMaxPoolReference.Forward<double>(shape, x.D, y.D, expectedArgmax), y);
            CollectionAssert.AreEqual(expectedArgmax, argmax, $"global max argmax {shape}");
        }
    }

    [TestMethod]
    public void GlobalPoolsFastMatchReferenceForwardAndBackward()
    {
        int seed = 500;
        foreach (var dims in GlobalShapes)
        {
            var shape = new TensorShape(dims);
            var pooled = new TensorShape(dims[0], dims[1], 1, 1);
            var average = new KernelCheck("GlobalAveragePool", shape, seed += 4);
            var (x, dy) = (average.Random("x", shape), average.Random("dy", pooled));
            var (y, dx) = (average.Output("y", pooled), average.Output("dx", shape));
            average.FastMatchesReference(() => GlobalAveragePool.Forward(x.F, y.F),
                () => GlobalAveragePoolReference.Forward<double>(shape, x.D, y.D), (y, 1e-6));
            average.FastMatchesReference(() => GlobalAveragePool.Backward(dy.F, dx.F),
                () => GlobalAveragePoolReference.Backward<double>(shape, dy.D, dx.D), (dx, 1e-6));

            var max = new KernelCheck("GlobalMaxPool", shape, seed);
            (y, dx) = (max.Output("y", pooled), max.Output("dx", shape));
            var (argmax, expectedArgmax) = (UnwrittenArgmax(y.D.Length), new int[y.D.Length]);
            max.FastMatchesReference(() => GlobalMaxPool.Forward(x.F, y.F, argmax),
                () => GlobalMaxPoolReference.Forward<double>(shape, x.D, y.D, expectedArgmax), (y, 0));
            CollectionAssert.AreEqual(expectedArgmax, argmax, $"global max argmax {shape}");
            max.FastMatchesReference(() => GlobalMaxPool.Backward(dy.F, argmax, dx.F),
                () => GlobalMaxPoolReference.Backward<double>(shape, dy.D, expectedArgmax, dx.D), (dx, 0));
        }
    }

    [TestMethod]
    public void GlobalPoolsReferenceBackwardMatchesFiniteDifferences()
    {
        int seed = 600;
        foreach (var dims in GlobalShapes.Take(4))
        {
            var shape = new TensorShape(dims);
            int planes = dims[0] * dims[1];
            var average = new KernelCheck("GlobalAveragePoolReference", shape, ++seed);
            average.ReferenceMatchesFiniteDifferences(planes, [average.Random("x", shape)],
                (v, y) => GlobalAveragePoolReference.Forward<double>(shape, v[0], y),
                (v, dy, d) => GlobalAveragePoolReference.Backward<double>(shape, dy, d[0]));
            var max = new KernelCheck("GlobalMaxPoolReference", shape, ++seed);
            max.ReferenceMatchesFiniteDifferences(planes, [max.From("x", DistinctValues(seed, shape.Length))],
                (v, y) => GlobalMaxPoolReference.Forward<double>(shape, v[0], y, new int[planes]),
                (v, dy, d) =>
                {
                    var argmax = new int[planes];
                    GlobalMaxPoolReference.Forward<double>(shape, v[0], new double[planes], argmax);
                    GlobalMaxPoolReference.Backward<double>(shape, dy, argmax, d[0]);
                });
        }
    }

    [TestMethod]
    public void GlobalPoolsRejectTensorsOfTheWrongShape()
    {
        var input = new Tensor(2, 3, 4, 5);
        ArgumentAssert.Throws(() => GlobalAveragePool.Forward(new Tensor(2, 3, 20), new Tensor(2, 3, 1, 1)), "input", "[2, 3, 20]", "rank 4");
        ArgumentAssert.Throws(() => GlobalAveragePool.Forward(input, new Tensor(2, 3, 1)), "output", "[2, 3, 1]", "[2, 3, 1, 1]");
        ArgumentAssert.Throws(() => GlobalAveragePool.Backward(new Tensor(3, 2, 1, 1), input), "gradOutput", "[3, 2, 1, 1]", "[2, 3, 1, 1]");
        ArgumentAssert.Throws(() => GlobalMaxPool.Forward(input, new Tensor(2, 3, 1, 1), new int[5]), "argmax", "5", "6");
        ArgumentAssert.Throws(() => GlobalMaxPool.Backward(new Tensor(2, 3, 1, 1), new int[6], new Tensor(6, 4, 5)), "gradInput", "[6, 4, 5]");
    }

    // ---- helpers ----

    private static (Tensor Output, int[] Argmax) MaxForward(Pool2dGeometry g, Tensor input)
    {
        var output = TestData.Tensor(99, g.Batch, g.Channels, g.OutHeight, g.OutWidth); // overwritten
        var argmax = UnwrittenArgmax(output.Length);
        MaxPool2d.Forward(g, input, output, argmax);
        return (output, argmax);
    }

    /// <summary>
    /// Sets about <paramref name="nanRate"/> of the values to NaN and as many to each of +0 and −0 (which tie); the
    /// rest are negated where needed so zeros often are a window's maximum.
    /// </summary>
    private static Tensor WithNaNsAndZeros(Tensor t, int seed, double nanRate = 0.05)
    {
        var random = new Random(seed);
        foreach (ref float v in t.Span)
        {
            double u = random.NextDouble();
            v = u < nanRate ? float.NaN : u < 2 * nanRate ? 0f : u < 3 * nanRate ? -0f : -Math.Abs(v);
        }
        return t;
    }

    /// <summary>An argmax buffer holding an index no window has: every entry must be written.</summary>
    private static int[] UnwrittenArgmax(int length)
    {
        var argmax = new int[length];
        Array.Fill(argmax, 12345);
        return argmax;
    }

    /// <summary>
    /// The fast and the reference max of one window (a [1, 1, …] input holding it) are <paramref name="max"/>, bit for bit,
    /// at <paramref name="index"/>.
    /// </summary>
    private static void AssertMaxOfOneWindow(string what, float max, int index, Tensor window, Action<Tensor, Tensor, int[]> fast,
        Action<double[], double[], int[]> reference)
    {
        var (output, argmax) = (new Tensor(1, 1, 1, 1), UnwrittenArgmax(1));
        output.Span.Fill(KernelCheck.Unwritten);
        fast(window, output, argmax);
        Approx.AssertSameFloat(max, output.Span[0], $"max of {what}");
        Assert.AreEqual(index, argmax[0], $"argmax of {what}");
        var (expected, expectedArgmax) = (new double[1], UnwrittenArgmax(1));
        reference(TestData.ToDouble(window.Span), expected, expectedArgmax);
        Approx.AssertSameFloat(max, (float)expected[0], $"reference max of {what}");
        Assert.AreEqual(index, expectedArgmax[0], $"reference argmax of {what}");
    }

    /// <summary>A random permutation of evenly spaced values in (−1, 1): no two closer than 2/length.</summary>
    private static double[] DistinctValues(int seed, int length)
    {
        var values = Enumerable.Range(0, length).Select(i => (2.0 * i + 1) / length - 1).ToArray();
        new Random(seed).Shuffle(values);
        return values;
    }

    private static double[] Outer(double[] rows, double[] columns) =>
        rows.SelectMany(r => columns.Select(c => r * c)).ToArray();

    /// <summary>
    /// The channel-blocked max pool of inference gives the planes kernel's bits (NaNs, signed zeros), from planes and from channel
    /// blocks, at 16 and 8 lanes: every geometry above it takes, and wider ones (part blocks, maps narrower than 8 columns).
    /// </summary>
    [TestMethod]
    public void ChannelBlockedMaxPoolGivesThePlanesKernelsBits()
    {
        if (ChannelBlocks.CurrentLanes == 0) Assert.Inconclusive("No AVX2 or AVX-512: no channel blocks on this CPU.");
        Pool2dGeometry[] wide =
        [
            new(2, 21, 9, 9, 3, 3, 2, 2, Padding2d.Symmetric(1)),
            new(3, 40, 6, 5, 3, 3, 1, 1, Padding2d.Symmetric(1)),
            new(1, 64, 16, 17, 3, 3, 2, 2, Padding2d.Symmetric(1)),
            new(2, 33, 7, 9, 2, 3, 2, 1, new Padding2d(1, 0, 0, 1), dilationW: 2),
        ];
        int seed = 400, checkedGeometries = 0;
        foreach (var g in Geometries.Concat(wide))
        {
            if (MaxPoolChannelBlocked.Windows(g) is not { } windows) continue;
            checkedGeometries++;
            var x = WithNaNsAndZeros(TestData.Tensor(seed++, g.InputShape), seed++);
            var expected = new Tensor(g.OutputShape);
            MaxPool2d.ForwardValues(g, x, expected);
            foreach (int lanes in new[] { 16, 8 }.Where(l => l <= ChannelBlocks.CurrentLanes))
                foreach (bool fromBlocks in new[] { false, true })
                {
                    var input = new ChannelBlocks(new Tensor(ChannelBlocks.ShapeFor(x.Shape, lanes)), x.Shape, lanes);
                    ChannelBlocks.FromPlanes(x, input);
                    var output = new ChannelBlocks(new Tensor(ChannelBlocks.ShapeFor(g.OutputShape, lanes)), g.OutputShape, lanes);
                    float* source = fromBlocks ? input.Data.Pointer : x.Pointer;
                    if (lanes == 16) MaxPoolChannelBlocked.Forward<Float512>(windows, source, fromBlocks, output.Data.Pointer);
                    else MaxPoolChannelBlocked.Forward<Float256>(windows, source, fromBlocks, output.Data.Pointer);
                    var actual = new Tensor(g.OutputShape);
                    output.ToPlanes(actual);
                    CollectionAssert.AreEqual(Bits(expected), Bits(actual), $"{g} at {lanes} lanes from {(fromBlocks ? "blocks" : "planes")}");
                }
        }
        Assert.IsTrue(checkedGeometries >= 15, $"only {checkedGeometries} geometries ran on channel blocks");
        Assert.IsNull(MaxPoolChannelBlocked.Windows(new Pool2dGeometry(1, 1, 5, 5, 2, 2, 2, 2, ceilMode: true)),
            "ceil mode adding a window stays on planes");
    }

    private static int[] Bits(Tensor t) => [.. t.ToArray().Select(BitConverter.SingleToInt32Bits)];
}
